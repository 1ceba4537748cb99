import fs from 'node:fs';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { runJobInForeground } from '../foreground';
import { createRun, resumableRun, summarizeRun } from '../../rl';

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train (GRPO) from a config file; run it again after a stop to resume from the last committed step',
  usage: 'searchlab train --config FILE [--home DIR] [--json]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { ...commonOptions, config: { type: 'string' } }, false);
    if (!values.config) throw new UsageError('--config FILE is required');
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(fs.readFileSync(values.config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${values.config}: ${(error as Error).message}`);
    }
    return withEngine(values.home, ctx, async (engine) => {
      const name = typeof raw.name === 'string' ? raw.name : '';
      const existing = resumableRun(engine.store, name);
      const run = existing ?? createRun(engine.store, raw);
      if (existing) ctx.err(`Resuming run ${run.id} "${run.name}" after step ${run.step}`);
      else ctx.err(`Created run ${run.id} "${run.name}"`);
      const job = await runJobInForeground(engine, 'rl.train', { runId: run.id }, ctx, values.json);
      const summary = summarizeRun(engine.store, engine.store.repos.runs.get(run.id)!);
      if (values.json)
        ctx.out(JSON.stringify({ run: summary, job: { id: job.id, status: job.status, error: job.error } }));
      else
        ctx.out(
          `${job.status}${job.error ? `: ${job.error}` : ''} — run ${summary.id} at step ${summary.step}${summary.steps ? ` of ${summary.steps}` : ''}`,
        );
      return job.status === 'succeeded' ? 0 : 1;
    });
  },
};
