// What the run that made a checkpoint was configured with, for work done later on that checkpoint (evaluation,
// replay, decision probabilities, label suggestions), so that it sees and computes as the run did.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from '../../storage';
import { checkQwen25VlFolder, familyOfFolder } from '../../model';
import { loadPolicyModel } from '../../model';
import type { PolicyModel } from '../../model';
import type { RunShape } from '../../model';
import { RunConfig } from './config';

/** The config of the GRPO run that made a checkpoint; none for a checkpoint of no run (a pre-trained model). */
export function runConfigOfCheckpoint(store: Store, checkpointId: number): RunConfig | undefined {
  const runId = store.repos.runs.checkpoint(checkpointId)?.runId;
  if (runId === null || runId === undefined) return undefined;
  const parsed = RunConfig.safeParse(store.repos.runs.get(runId)?.config);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A policy on a checkpoint's model, behind the policy interface (a checkpoint folder is a model folder of its
 * family), on the device and with the ONNX Runtime threads its run asked for (`runtime.device`,
 * `runtime.cpuThreads`; 'auto' and ORT's choice when unset or of no run): a replay or an evaluation of a one-thread
 * run then repeats bit for bit, as the run did. `frozen` for work that never trains it; `run`, what it will decode
 * together, for the memory check of a published model.
 */
export function checkpointPolicyModel(
  store: Store,
  checkpoint: { id: number; path: string },
  options: { frozen?: boolean; run?: RunShape } = {},
): PolicyModel {
  const runtime = runConfigOfCheckpoint(store, checkpoint.id)?.runtime;
  return loadPolicyModel(checkpoint.path, {
    device: runtime?.device ?? 'auto',
    frozen: options.frozen,
    threads: runtime?.cpuThreads ?? undefined,
    run: options.run,
  });
}

/**
 * A model folder (the tiny VLM's or a published checkpoint's) as a checkpoint of no run, so that evaluations,
 * the debugger, replays and decision probabilities find its model by id. The same folder is registered once, and a
 * broken one never.
 */
export function checkpointOfModelFolder(store: Store, dir: string): { id: number; path: string } {
  const path = resolve(dir);
  // a clear error for a folder of no supported family, or a published one whose files do not fit its config (from
  // the headers, without reading weights), before anything is stored
  if (familyOfFolder(path).id === 'qwen2.5-vl') checkQwen25VlFolder(path);
  const known = store.repos.runs.checkpointAt(path);
  if (known) return known;
  const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as unknown;
  return { id: store.repos.runs.addCheckpoint(null, 0, path, config), path };
}
