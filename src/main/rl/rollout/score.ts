// A finished trajectory's reward under a compiled spec: its parsed turns and the sample's answers as the spec's facts.
import type { compileReward, RewardBreakdown } from '../reward/spec';
import type { Trajectory } from './types';

export function scoreTrajectory(
  reward: ReturnType<typeof compileReward>,
  trajectory: Trajectory,
  step: number,
): RewardBreakdown {
  return reward.score({
    turns: trajectory.turns.map((turn) => ({
      action: turn.action,
      reasoning: turn.reasoning,
      wellFormed: turn.wellFormed,
    })),
    generatedTokens: trajectory.generatedTokens,
    groundTruth: trajectory.sample.groundTruth,
    candidateAnswers: trajectory.sample.candidateAnswers,
    need: trajectory.sample.need,
    step,
  });
}
