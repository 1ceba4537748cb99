import type { CliCommand } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'List training runs with their step, checkpoints and last metrics',
  usage: 'searchlab runs [--home DIR] [--json]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, commonOptions, false);
    return withEngine(values.home, ctx, async (engine) => {
      const runs = await engine.call('runs.list', {});
      if (values.json) {
        ctx.out(
          JSON.stringify(
            runs.map(({ id, name, status, step, checkpoints, last }) => ({
              id,
              name,
              status,
              step,
              checkpoints,
              last,
            })),
          ),
        );
        return 0;
      }
      if (runs.length === 0) ctx.out('No runs yet. Start one with: searchlab train --config FILE');
      for (const r of runs) {
        const reward = r.last.reward_mean === undefined ? '' : ` reward ${r.last.reward_mean.toFixed(3)}`;
        ctx.out(
          `${String(r.id).padStart(4)}  ${r.name.padEnd(24)} ${r.status.padEnd(9)} ` +
            `step ${r.step}${r.steps ? `/${r.steps}` : ''}  ${r.checkpoints} checkpoint(s)${reward}`,
        );
      }
      return 0;
    });
  },
};
