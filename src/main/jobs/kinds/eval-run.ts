// eval.run: `searchlab eval` as a job — a checkpoint on a dataset's split for the policy and the baselines asked
// for, each policy's evaluation stored (with its trajectories) as soon as it is done.
import { JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { evaluateCheckpoint } from '../../rl/eval/run-eval';

export const evalRunJob = defineJob({
  kind: 'eval.run',
  params: JobParamsByKind['eval.run'],
  title: (p) =>
    `Evaluate checkpoint ${p.checkpointId} on ${p.dataset}${p.split ? ` (${p.split})` : ''}: ${p.policies.join(', ')}`,
  async run(ctx, params) {
    try {
      return await evaluateCheckpoint(ctx.store, ctx.home, {
        ...params,
        progress: (done, total, message) => ctx.progress(done, total, message),
        shouldStop: ctx.cancelled,
      });
    } catch (error) {
      // A stop asked for by the user ends the job as cancelled, not failed.
      ctx.throwIfCancelled();
      throw error;
    }
  },
});
