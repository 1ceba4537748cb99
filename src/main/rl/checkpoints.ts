// A run's checkpoints as the app lists them (step, the step's mean reward, the evaluations made of each), and the
// two things done to one: export it as a model folder, delete it.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../storage';
import type { RunCheckpoint } from '../../shared/contract';
import { EvalMetrics } from '../../shared/contract';
import { OPTIMIZER_FILE } from './train/state';

export function checkpointsOfRun(store: Store, runId: number): RunCheckpoint[] {
  const rewards = new Map(
    store.repos.runs
      .metrics(runId)
      .filter((m) => m.name === 'reward_mean')
      .map((m) => [m.step, m.value]),
  );
  return store.repos.runs.checkpoints(runId).map((c) => ({
    ...c,
    reward: rewards.get(c.step) ?? null,
    evaluations: store.repos.runs.evaluations(c.id).map((e) => {
      const m = EvalMetrics.safeParse(e.metrics);
      return {
        id: e.id,
        policy: e.policy,
        dataset: e.datasetId === null ? null : (store.repos.datasets.find(e.datasetId)?.name ?? null),
        accuracy: m.success ? m.data.accuracy : null,
        searchRatio: m.success ? m.data.searchRatio : null,
      };
    }),
  }));
}

function findCheckpoint(store: Store, id: number) {
  const checkpoint = store.repos.runs.checkpoint(id);
  if (!checkpoint) throw new Error(`No checkpoint with id ${id}`);
  return checkpoint;
}

/**
 * Writes the checkpoint as a model folder a run's `model.path` takes (weights, config, tokenizer, prompt templates;
 * not the optimizer state). The folder must not exist or be empty; it appears whole or not at all.
 */
export function exportCheckpoint(store: Store, id: number, dir: string): { dir: string; files: string[] } {
  const checkpoint = findCheckpoint(store, id);
  const target = path.resolve(dir);
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0)
    throw new Error(`${target} is not empty: choose a new or empty folder`);
  if (!fs.existsSync(checkpoint.path)) throw new Error(`Checkpoint ${id}'s folder ${checkpoint.path} is missing`);
  const files = fs
    .readdirSync(checkpoint.path)
    .filter((f) => f !== OPTIMIZER_FILE && fs.statSync(path.join(checkpoint.path, f)).isFile());
  // A fresh folder beside the target (never one that was there: nothing of the user's is removed), renamed into place.
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = fs.mkdtempSync(`${target}.tmp-export-`);
  try {
    for (const f of files) fs.copyFileSync(path.join(checkpoint.path, f), path.join(tmp, f));
    if (fs.existsSync(target)) fs.rmdirSync(target); // empty, checked above
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return { dir: target, files };
}

/**
 * Deletes a checkpoint's record and, when SearchLab wrote it inside the data folder, its files. Evaluations and
 * trajectories made with it are kept (they lose the link). A run that has yet to finish and starts from it keeps it.
 */
export function deleteCheckpoint(store: Store, home: string, id: number): { removedFiles: boolean } {
  const checkpoint = findCheckpoint(store, id);
  const dependent = store.repos.runs
    .list()
    .find(
      (r) =>
        r.status !== 'finished' &&
        r.status !== 'cancelled' &&
        (r.config as { model?: { checkpoint?: number } }).model?.checkpoint === id,
    );
  if (dependent)
    throw new Error(
      `Run ${dependent.id} (${dependent.name}) starts from checkpoint ${id} and has not finished: finish or cancel it first`,
    );
  store.repos.runs.deleteCheckpoint(id);
  const inside = path.relative(path.resolve(home), path.resolve(checkpoint.path));
  const ours = inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside);
  if (ours) fs.rmSync(checkpoint.path, { recursive: true, force: true });
  return { removedFiles: ours };
}
