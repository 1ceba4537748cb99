// A reward spec that throws while scoring a step pauses the run, and the trajectory it failed on is kept with the
// error (and no reward) so the debugger shows why; the step is not committed, and its commit later replaces it.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import { compileReward, type CompiledReward } from '../../src/main/rl/reward/spec';
import { parseRunConfig } from '../../src/main/rl/train/config';
import { openTraining, releaseTraining, trainStep, RewardFailure } from '../../src/main/rl/train/step';
import { commitStep, recordRewardFailure } from '../../src/main/rl/train/commit';
import { useRunFixture } from '../helpers/run-fixture';

let engine: Engine;
let fixtureRunId: number;
useRunFixture((fixture) => ({ engine, runId: fixtureRunId } = fixture));

/** The run's own spec, except that its third scoring throws, as a scorer bug or a missing fact would. */
function failingOnThird(reward: CompiledReward): CompiledReward {
  let calls = 0;
  return {
    ...reward,
    score(facts) {
      if (++calls === 3) throw new Error('No value for variable "judge"');
      return reward.score(facts);
    },
  };
}

describe('a reward spec that fails at scoring', () => {
  it('pauses the run with the failing trajectory kept, and the step commit replaces it', async () => {
    const { store, home } = engine;
    const stored = parseRunConfig(store.repos.runs.get(fixtureRunId)!.config);
    const config = parseRunConfig({ ...stored, name: 'fails-at-scoring', grpo: { ...stored.grpo, steps: 2 } });
    const run = store.repos.runs.insert(config.name, 'grpo', config);
    const reward = compileReward(config.reward);

    const training = await openTraining(store, home, { id: run.id, step: 0 }, config, failingOnThird(reward));
    try {
      const failure = await trainStep(training, 1).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RewardFailure);
      expect((failure as Error).message).toMatch(
        new RegExp(`^Run ${run.id} paused: the reward spec failed at step 1 on group \\d+, sample \\d+: No value`),
      );
      recordRewardFailure(store, training, failure as RewardFailure);

      expect(store.repos.runs.get(run.id)).toMatchObject({ status: 'paused', step: 0 });
      const kept = await engine.call('trajectories.list', { runId: run.id });
      expect(kept.total).toBe(1);
      const [item] = kept.items;
      expect(item).toMatchObject({ step: 1, total: null, rewardError: 'No value for variable "judge"' });
      const failed = (failure as RewardFailure).trajectory;
      expect([item!.groupIndex, item!.sampleIndex]).toEqual([failed.groupIndex, failed.sampleIndex]);
      const detail = await engine.call('trajectories.get', { id: item!.id });
      expect(detail.reward).toBeNull();
      expect(detail.rewardError).toBe('No value for variable "judge"');
      expect(detail.turnList.map((t) => t.responseText)).toEqual(failed.turns.map((t) => t.responseText));

      // Resumed with a spec that scores: the step is committed whole and the kept failure is gone.
      training.reward = reward;
      commitStep(store, home, training, await trainStep(training, 1));
      const committed = await engine.call('trajectories.list', { runId: run.id });
      expect(committed.total).toBe(config.grpo.batchPrompts * config.rollout.groupSize);
      expect(committed.items.every((t) => t.rewardError === null && t.total !== null)).toBe(true);
      expect(store.repos.runs.get(run.id)!.step).toBe(1);
    } finally {
      await releaseTraining(training);
    }
  }, 120_000);
});
