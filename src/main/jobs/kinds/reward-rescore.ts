// reward.rescore: every stored trajectory of a run re-scored under an edited spec, group advantages recomputed,
// stored whole in one transaction (reward.rescored reads it back against the recorded rewards).
import { JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { rescoreRun, summarizeRescore } from '../../rl';

export const rewardRescoreJob = defineJob({
  kind: 'reward.rescore',
  params: JobParamsByKind['reward.rescore'],
  title: (p) => `Re-score run ${p.runId} under “${p.spec.name}”`,
  async run(ctx, params) {
    const result = await rescoreRun(ctx.store, params.runId, params.spec, ctx.progress);
    const { count, changedRewards, signFlipCount } = summarizeRescore(result.items, { pinned: [], bins: 2, limit: 1 });
    return { rescoreId: result.rescoreId, count, changedRewards, signFlipCount };
  },
});
