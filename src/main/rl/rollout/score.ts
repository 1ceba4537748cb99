// A finished trajectory's reward under a compiled spec: its parsed turns and the sample's answers as the spec's facts.
import type { compileReward, RewardBreakdown } from '../reward/spec';
import type { Trajectory } from './types';

export function scoreTrajectory(
  reward: ReturnType<typeof compileReward>,
  t: Trajectory,
  step: number,
): RewardBreakdown {
  return reward.score({
    turns: t.turns.map((turn) => ({ action: turn.action, reasoning: turn.reasoning, wellFormed: turn.wellFormed })),
    generatedTokens: t.generatedTokens,
    groundTruth: t.sample.groundTruth,
    candidateAnswers: t.sample.candidateAnswers,
    need: t.sample.need,
    step,
  });
}
