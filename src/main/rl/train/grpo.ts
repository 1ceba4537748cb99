// A GRPO run, one committed step at a time: each step (step.ts) runs rollouts, scores them, computes the group
// advantages and updates the policy; its commit (commit.ts) puts the step's policy and optimizer state on disk and
// then stores its trajectories, metrics and step number in one transaction. A run killed at any moment resumes
// from its last committed step: no completed trajectory lost, no step done twice.
import type { Store } from '../../storage';
import type { Logger } from '../../platform/log';
import { compileReward } from '../reward/spec';
import { parseRunConfig } from './config';
import { openTraining, releaseTraining, trainStep, RewardFailure } from './step';
import { commitStep, recordRewardFailure } from './commit';
import { SearchesStopped } from '../rollout/search-stop';

export interface RunContext {
  store: Store;
  home: string;
  log: Logger;
  progress(done: number, total: number, message: string): void;
  cancelled(): boolean;
}

export async function runGrpo(ctx: RunContext, runId: number): Promise<{ step: number; finished: boolean }> {
  const { store, home } = ctx;
  const run = store.repos.runs.get(runId);
  if (!run) throw new Error(`No run with id ${runId}`);
  const config = parseRunConfig(run.config);
  // Checked before anything runs: a spec stored before specs were domain-checked fails here, not after rollouts.
  let reward: ReturnType<typeof compileReward>;
  try {
    reward = compileReward(config.reward);
  } catch (error) {
    throw new Error(`Run ${runId} cannot train: its reward spec fails the check: ${(error as Error).message}`);
  }
  store.repos.runs.setStatus(runId, 'running');

  const training = await openTraining(store, home, { id: runId, step: run.step }, config, reward);
  let step = run.step;
  try {
    for (let s = run.step + 1; s <= config.grpo.steps; s++) {
      if (ctx.cancelled()) break;
      const outcome = await trainStep(training, s).catch((error: unknown) => {
        // A spec that fails on one trajectory pauses the run with the reason, kept on that trajectory; nothing
        // else of this step is committed.
        if (error instanceof RewardFailure) recordRewardFailure(store, training, error);
        // Searches stopped by a refused key or spent quota pause the run, with the provider's message; the step is
        // not committed, and resuming once the key or plan is fixed runs it again.
        if (error instanceof SearchesStopped) store.repos.runs.setStatus(runId, 'paused');
        throw error;
      });
      commitStep(store, home, training, outcome);
      step = s;
      const { reward_mean, accuracy, search_ratio } = outcome.rollout;
      ctx.progress(
        s,
        config.grpo.steps,
        `step ${s}: reward ${reward_mean.toFixed(3)}, accuracy ${accuracy.toFixed(3)}, search ${search_ratio.toFixed(2)}`,
      );
    }
  } finally {
    await releaseTraining(training);
  }
  const finished = step >= config.grpo.steps;
  store.repos.runs.setStatus(runId, finished ? 'finished' : 'paused');
  return { step, finished };
}
