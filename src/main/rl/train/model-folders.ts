// Model folders SearchLab knows are checkpoints of no run: the demo's pre-trained model and folders added by path.
// Listing reads each folder's config.json (and a Qwen2.5-VL folder's headers when it is added), never its weights.

import { existsSync } from 'node:fs';
import type { ModelFolder } from '../../../shared/contract';
import type { Store } from '../../storage';
import { familyOfFolder, summarizeModelFolder, trainingNeed } from '../../model';
import { availableRam } from '../../model';
import { cudaTotalMemoryBytes, detectDevice } from '../../platform/device';
import { checkpointOfModelFolder } from './checkpoint-run';
import { parseRunConfig } from './config';
import { trainingShape } from './model-source';
import { readPretrainingRecord } from '../sft/pretraining-record';

/** What one training pass of a run with the default settings takes (RunConfig's defaults). */
const DEFAULT_TRAINING = trainingShape(
  parseRunConfig({ name: 'defaults', model: { path: '.' }, dataset: '.', grpo: { steps: 1 } }),
);

/** The device a model would run on and its memory: the GPU's when CUDA is in use, else what RAM is available. */
function deviceMemory(): ModelFolder['device'] {
  return detectDevice().kind === 'cuda'
    ? { kind: 'cuda', bytes: cudaTotalMemoryBytes() }
    : { kind: 'cpu', bytes: availableRam() };
}

function describe(checkpointId: number, path: string, device: ModelFolder['device']): ModelFolder {
  const empty = {
    checkpointId,
    path,
    family: null,
    architecture: null,
    parameters: null,
    dtype: null,
    bytesOnDisk: null,
    inferenceBytes: null,
    trainingBytes: null,
    device,
    fits: { inference: null, training: null },
    pretraining: null,
  };
  if (!existsSync(path)) return { ...empty, error: 'the folder is missing' };
  try {
    const s = summarizeModelFolder(path);
    // a run with the default settings: the published family's own need (what its memory check refuses with); for
    // the tiny VLM, weights, gradients and two AdamW moments (4× the float32 weights) plus activations
    const trainingBytes =
      s.family === 'searchlab-tiny-vl'
        ? 4 * s.parameters * 4 + (s.inferenceBytes - s.parameters * 4)
        : (trainingNeed(path, DEFAULT_TRAINING)?.total ?? null);
    const fits = (need: number | null) => (need === null || device.bytes === null ? null : need <= device.bytes);
    return {
      ...empty,
      ...s,
      trainingBytes,
      fits: { inference: fits(s.inferenceBytes), training: fits(trainingBytes) },
      error: null,
      pretraining: readPretrainingRecord(path),
    };
  } catch (e) {
    return { ...empty, error: (e as Error).message };
  }
}

export function listModelFolders(store: Store): ModelFolder[] {
  const device = deviceMemory();
  return store.repos.runs
    .allCheckpoints()
    .filter((c) => c.runId === null)
    .map((c) => describe(c.id, c.path, device));
}

/** Checks a folder as far as it can without reading weights, then adds it (once); throws what is wrong. */
export function addModelFolder(store: Store, dir: string): ModelFolder {
  const { id, path } = checkpointOfModelFolder(store, dir);
  return describe(id, path, deviceMemory());
}
