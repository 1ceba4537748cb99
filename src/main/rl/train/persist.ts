// A rollout's trajectory as database rows (through the trajectories repository).
import type { Store } from '../../storage';
import { trajectoryOutcome, type Trajectory } from '../rollout/types';
import type { RewardBreakdown } from '../reward/spec';
import { actionArgument } from '../protocol/actions';

export function storeTrajectory(
  store: Store,
  where: { runId: number; step: number; checkpointId: number | null; evaluationId: number | null; specId: number },
  trajectory: Trajectory,
  reward: RewardBreakdown | null,
  advantage: number | null,
  rewardError: string | null = null,
): number {
  return store.repos.trajectories.insert({
    runId: where.runId,
    step: where.step,
    groupIndex: trajectory.groupIndex,
    sampleIndex: trajectory.sampleIndex,
    sampleId: trajectory.sample.sampleId,
    checkpointId: where.checkpointId,
    evaluationId: where.evaluationId,
    endReason: trajectory.end,
    ...trajectoryOutcome(trajectory),
    generatedTokens: trajectory.generatedTokens,
    rewardError,
    ids: trajectory.ids,
    lossMask: trajectory.lossMask,
    logprobs: trajectory.logprobs,
    turns: trajectory.turns.map((turn) => ({
      index: turn.index,
      promptText: turn.promptText,
      responseText: turn.responseText,
      tokenIds: turn.tokenIds,
      logprobs: turn.logprobs,
      action: turn.action.kind,
      actionArg: actionArgument(turn.action),
      reasoning: turn.reasoning,
      wellFormed: turn.wellFormed,
      finish: turn.finish,
      toolCacheKey: turn.tool?.key ?? null,
      toolResult: turn.tool,
      latencyMs: turn.generationMs,
    })),
    reward: reward
      ? {
          specId: where.specId,
          total: reward.total,
          parts: { score: reward.score, format: reward.format, penalty: reward.penalty, variables: reward.variables },
          advantage,
        }
      : null,
  });
}
