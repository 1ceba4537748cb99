// Where a run's starting policy comes from: a model folder, or a checkpoint of an earlier run.
import type { Store } from '../../storage';
import { checkTrainable } from '../../model';
import type { z } from 'zod';
import type { ModelSource, RunConfig } from './config';

export function modelFolder(store: Store, source: z.output<typeof ModelSource>): string {
  if ('path' in source) return source.path;
  const checkpoint = store.repos.runs.checkpoint(source.checkpoint);
  if (!checkpoint) throw new Error(`No checkpoint with id ${source.checkpoint}`);
  return checkpoint.path;
}

/** What one training pass of a run takes, for the memory check. */
export function trainingShape(config: RunConfig) {
  return {
    batch: Math.min(config.grpo.microBatch ?? config.grpo.miniBatch, config.grpo.miniBatch),
    length: config.grpo.maxSequenceLength,
    reference: config.grpo.klCoef > 0,
  };
}

/**
 * Why a folder cannot start this run, or null when it can: a folder of no supported family, a published model whose
 * files do not fit its config (checked from the headers, without reading the weights), or training that would not
 * fit the memory available.
 */
export function untrainableReason(dir: string, config: RunConfig): string | null {
  try {
    checkTrainable(dir, trainingShape(config));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
