// eval.run: `searchlab eval` as a job — one checkpoint or several on a dataset's split for the policy and the
// baselines asked for, each policy's evaluation stored (with its trajectories) as soon as it is done. Its result
// names the evaluations it stored, so the page that started it shows those and no other.
import { JobParamsByKind, type EvalRunParams } from '../../../shared/contract';
import { defineJob } from '../kind';
import { evaluateCheckpoint } from '../../rl';

const checkpointsOf = (p: EvalRunParams): number[] => p.checkpointIds ?? [p.checkpointId!];

export const evalRunJob = defineJob({
  kind: 'eval.run',
  params: JobParamsByKind['eval.run'],
  title: (p) => {
    const ids = checkpointsOf(p);
    const which = ids.length === 1 ? `checkpoint ${ids[0]}` : `checkpoints ${ids.join(', ')}`;
    return `Evaluate ${which} on ${p.dataset}${p.split ? ` (${p.split})` : ''}: ${p.policies.join(', ')}`;
  },
  async run(ctx, params) {
    const { checkpointId: _one, checkpointIds: _many, ...request } = params;
    const ids = checkpointsOf(params);
    const results: Record<string, Awaited<ReturnType<typeof evaluateCheckpoint>>> = {};
    const evaluationIds: number[] = [];
    try {
      for (const [k, checkpointId] of ids.entries()) {
        results[checkpointId] = await evaluateCheckpoint(ctx.store, ctx.home, {
          ...request,
          checkpointId,
          // one bar for the whole job: each checkpoint is an equal share of it
          progress: (done, total, message) =>
            ctx.progress(
              k * total + done,
              ids.length * total,
              ids.length > 1 ? `checkpoint ${checkpointId}: ${message}` : message,
            ),
          shouldStop: ctx.cancelled,
          stored: (stored) => evaluationIds.push(...stored),
        });
      }
      // The evaluations stored, in the order they ran (the page shows exactly these), and the figures: for one
      // checkpoint by policy, as `searchlab eval --json` prints them; for several, by checkpoint.
      return { evaluationIds, figures: ids.length === 1 ? results[ids[0]] : results };
    } catch (error) {
      // A stop asked for by the user ends the job as cancelled, not failed.
      ctx.throwIfCancelled();
      throw error;
    }
  },
});
