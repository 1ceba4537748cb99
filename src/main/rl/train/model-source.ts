// Where a run's starting policy comes from: a model folder, or a checkpoint of an earlier run.
import type { Store } from '../../storage';
import { loadTinyVlm, type TinyVlm } from '../../model/tiny/vlm';
import type { z } from 'zod';
import type { ModelSource } from './config';

export function modelFolder(store: Store, source: z.output<typeof ModelSource>): string {
  if ('path' in source) return source.path;
  const checkpoint = store.repos.runs.checkpoint(source.checkpoint);
  if (!checkpoint) throw new Error(`No checkpoint with id ${source.checkpoint}`);
  return checkpoint.path;
}

export function loadModel(store: Store, source: z.output<typeof ModelSource>): TinyVlm {
  return loadTinyVlm(modelFolder(store, source));
}
