import fs from 'node:fs';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { exportVerlFolder } from '../../verl';

export const exportVerlCommand: CliCommand = {
  name: 'export-verl',
  summary:
    'Export a run config and dataset as a runnable MMSearch-R1 / veRL GRPO job (data, prompts, reward.py, search tools, run.sh)',
  usage:
    'searchlab export-verl --run-config FILE --dataset NAME --out DIR [--target mmsearch-r1|verl] [--home DIR] [--json]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        ...commonOptions,
        'run-config': { type: 'string' },
        dataset: { type: 'string' },
        out: { type: 'string' },
        target: { type: 'string', default: 'mmsearch-r1' },
      },
      false,
    );
    if (!values['run-config']) throw new UsageError('--run-config FILE is required');
    if (!values.dataset) throw new UsageError('--dataset NAME is required');
    if (!values.out) throw new UsageError('--out DIR is required');
    if (values.target !== 'mmsearch-r1' && values.target !== 'verl')
      throw new UsageError('--target must be mmsearch-r1 or verl');
    const target = values.target;
    let runConfig: unknown;
    try {
      runConfig = JSON.parse(fs.readFileSync(values['run-config'], 'utf8'));
    } catch (error) {
      throw new UsageError(`${values['run-config']}: ${(error as Error).message}`);
    }
    return withEngine(values.home, ctx, async (engine) => {
      try {
        const result = await exportVerlFolder(engine.store, {
          runConfig,
          dataset: values.dataset!,
          out: values.out!,
          target,
        });
        if (values.json) ctx.out(JSON.stringify(result));
        else
          ctx.out(
            `Wrote a ${target} job to ${result.out}: ${result.train} training and ${result.val} validation samples, ` +
              `${result.cacheEntries} cached searches. See its README.md.`,
          );
        return 0;
      } catch (error) {
        ctx.err(`searchlab export-verl: ${(error as Error).message}`);
        return 1;
      }
    });
  },
};
