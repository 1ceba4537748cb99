// The trajectory debugger's model work, as jobs (a forward pass or a rollout blocks its thread; a large model may
// take a while): counterfactual replay from a decision point, and the action probabilities at decision points.
import { DecisionProbabilities, JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { replayDecision } from '../../rl';
import { decisionProbabilities } from '../../rl';

export const trajectoriesReplayJob = defineJob({
  kind: 'trajectories.replay',
  params: JobParamsByKind['trajectories.replay'],
  title: (p) => `Replay trajectory ${p.trajectoryId} from turn ${p.turn + 1}${p.force ? ` (${p.force})` : ''}`,
  async run(ctx, params) {
    const { replayId, outcome } = await replayDecision(ctx.store, ctx.home, params, {
      progress: ctx.progress,
      throwIfCancelled: ctx.throwIfCancelled,
    });
    return { replayId, endReason: outcome.endReason, finalAnswer: outcome.finalAnswer, reward: outcome.reward.total };
  },
});

export const trajectoriesDecisionsJob = defineJob({
  kind: 'trajectories.decisions',
  params: JobParamsByKind['trajectories.decisions'],
  title: (p) => `Decision probabilities of trajectory ${p.trajectoryId}`,
  async run(ctx, params) {
    ctx.progress(0, 1, 'Scoring the action tags at each decision point');
    // Validated here, so what the job stores is what the contract promises.
    const result = DecisionProbabilities.parse(await decisionProbabilities(ctx.store, params));
    ctx.progress(1, 1, `${result.decisions.length} decision points`);
    return result;
  },
});
