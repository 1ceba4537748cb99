// Where a run's starting policy comes from: a model folder, or a checkpoint of an earlier run.
import type { Store } from '../../storage';
import { loadTinyVlm, type TinyVlm } from '../../model';
import { familyOfFolder } from '../../model';
import type { z } from 'zod';
import type { ModelSource } from './config';

export function modelFolder(store: Store, source: z.output<typeof ModelSource>): string {
  if ('path' in source) return source.path;
  const checkpoint = store.repos.runs.checkpoint(source.checkpoint);
  if (!checkpoint) throw new Error(`No checkpoint with id ${source.checkpoint}`);
  return checkpoint.path;
}

/** Why a folder cannot start a run here (training runs on the tiny VLM), or null when it can. */
export function untrainableReason(dir: string): string | null {
  const family = familyOfFolder(dir);
  if (family.id === 'searchlab-tiny-vl') return null;
  return (
    `${dir} holds a ${family.label} model: SearchLab trains its own tiny VLM for now. ` +
    `Evaluate this model with \`searchlab eval --model ${dir}\`, debug its trajectories in the app, ` +
    'or train it on veRL (`searchlab export-verl`)'
  );
}

/** The policy a run trains. Training runs on the tiny VLM; other families are evaluated and debugged here. */
export function loadModel(store: Store, source: z.output<typeof ModelSource>): TinyVlm {
  const dir = modelFolder(store, source);
  const reason = untrainableReason(dir);
  if (reason) throw new Error(reason);
  return loadTinyVlm(dir);
}
