// A GRPO step's commit. Durable first: the policy and optimizer state the step produced, then (if due) a
// checkpoint, then one transaction that stores the step's trajectories, metrics and checkpoint row and moves the
// run's step. A run killed before the transaction resumes from the previous step's state, which is only removed
// once the transaction is done: no completed trajectory lost, no step done twice.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../storage';
import type { RewardFailure, StepOutcome, Training } from './step';
import { writeState, stateFolder, copyFolder } from './state';
import { storeTrajectory } from './persist';

/** A model folder's config.json, as a checkpoint's record keeps it. */
function readModelConfig(dir: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as unknown;
}

export function commitStep(store: Store, home: string, training: Training, outcome: StepOutcome): void {
  const { runId, config, policy, trainers, specId } = training;
  const { step, trajectories, rewards, advantages, metrics } = outcome;
  const stateDir = stateFolder(home, runId, step);
  writeState(stateDir, policy, trainers, config.rollout.templates);
  const checkpointDue = step % config.checkpointEvery === 0 || step === config.grpo.steps;
  const checkpointDir = path.join(home, 'checkpoints', `run-${runId}`, `step-${step}`);
  if (checkpointDue) copyFolder(stateDir, checkpointDir);
  store.db.transaction(() => {
    store.repos.trajectories.deleteRewardFailures(runId, step);
    const checkpointId = checkpointDue
      ? store.repos.runs.addCheckpoint(runId, step, checkpointDir, readModelConfig(checkpointDir))
      : null;
    trajectories.forEach((t, i) =>
      storeTrajectory(store, { runId, step, checkpointId, evaluationId: null, specId }, t, rewards[i], advantages[i]),
    );
    store.repos.runs.putMetrics(runId, step, metrics);
    store.repos.runs.commitStep(runId, step);
  })();
  if (step - 1 > 0) fs.rmSync(stateFolder(home, runId, step - 1), { recursive: true, force: true });
}

/**
 * Keeps the trajectory a reward spec failed on, with the error and no reward, at the step that was not committed,
 * and pauses the run: the debugger shows why. The step's commit, when it comes, replaces it.
 */
export function recordRewardFailure(store: Store, training: Training, failure: RewardFailure): void {
  const { runId, specId } = training;
  store.db.transaction(() => {
    store.repos.trajectories.deleteRewardFailures(runId, failure.step);
    const where = { runId, step: failure.step, checkpointId: null, evaluationId: null, specId };
    storeTrajectory(store, where, failure.trajectory, null, null, failure.reason);
    store.repos.runs.setStatus(runId, 'paused');
  })();
}
