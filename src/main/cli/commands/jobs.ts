import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { JobKind } from '../../../shared/contract';
import { runJobInForeground } from '../foreground';

export const jobsCommand: CliCommand = {
  name: 'jobs',
  summary: 'List jobs, or run one in the foreground with a progress line',
  usage: 'searchlab jobs [list] [--json] | searchlab jobs run KIND [--params JSON] [--json]   (--home DIR)',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { ...commonOptions, params: { type: 'string' } });
    const [sub = 'list', kind] = positionals;
    return withEngine(values.home, ctx, async (engine) => {
      if (sub === 'list') {
        const jobs = await engine.call('jobs.list', { limit: 100 });
        if (values.json) ctx.out(JSON.stringify(jobs));
        else
          for (const job of jobs)
            ctx.out(
              `${String(job.id).padStart(5)}  ${job.status.padEnd(11)} ${job.kind.padEnd(18)} ` +
                `${job.done}/${job.total ?? '?'}  ${job.error ?? job.message ?? ''}`,
            );
        return 0;
      }
      if (sub !== 'run') throw new UsageError(`Unknown jobs subcommand "${sub}"`);
      const parsedKind = JobKind.safeParse(kind);
      if (!parsedKind.success) throw new UsageError(`jobs run needs a kind, one of: ${JobKind.options.join(', ')}`);
      let params: Record<string, unknown> = {};
      try {
        params = values.params ? (JSON.parse(values.params) as Record<string, unknown>) : {};
      } catch (error) {
        throw new UsageError(`--params is not JSON: ${(error as Error).message}`);
      }
      const finished = await runJobInForeground(engine, parsedKind.data, params, ctx, values.json);
      if (values.json) ctx.out(JSON.stringify(finished));
      else
        ctx.out(
          `${finished.status}${finished.error ? `: ${finished.error}` : ''}${finished.result ? ` ${JSON.stringify(finished.result)}` : ''}`,
        );
      return finished.status === 'succeeded' ? 0 : 1;
    });
  },
};
