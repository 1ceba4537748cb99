// rl.train: a GRPO run from its last committed step (see rl/train/grpo.ts for why a kill loses nothing).
import { JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { runGrpo } from '../../rl';

export const rlTrainJob = defineJob({
  kind: 'rl.train',
  params: JobParamsByKind['rl.train'],
  title: (p) => `Train run ${p.runId}`,
  holds: (p) => `run ${p.runId}`,
  async run(ctx, params) {
    return runGrpo(
      { store: ctx.store, home: ctx.home, log: ctx.log, progress: ctx.progress, cancelled: ctx.cancelled },
      params.runId,
    );
  },
});
