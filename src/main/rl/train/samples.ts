// The prompts a run trains on: a dataset's samples in a fixed shuffled order, so step s always takes the same
// slice (a resumed run sees exactly the prompts it would have seen).
import type { Store } from '../../storage';
import { Random } from '../../platform/random';
import type { RolloutSample } from '../rollout/types';

export interface TrainingSamples {
  count: number;
  /** The prompts of step `step` (1-based), wrapping around the dataset in epochs. */
  forStep(step: number, batch: number): RolloutSample[];
}

export function trainingSamples(store: Store, dataset: string, split: string | null, seed: number): TrainingSamples {
  const found = store.repos.datasets.find(dataset);
  if (!found) throw new Error(`No dataset named "${dataset}"`);
  const rows = store.repos.trajectories.trainingRows(found.id, split);
  if (rows.length === 0) throw new Error(`Dataset "${dataset}" has no samples${split ? ` in split "${split}"` : ''} with an image`);
  const order = new Random(seed).shuffle(rows.map((_, i) => i));
  const load = (i: number): RolloutSample => {
    const row = rows[order[i % order.length]];
    const image = store.repos.images.get(row.imageSha256);
    if (!image) throw new Error(`Sample ${row.id}: image ${row.imageSha256} is missing from the store`);
    return { sampleId: row.id, question: row.question, image: image.bytes, groundTruth: row.answer, candidateAnswers: row.candidateAnswers, need: row.need };
  };
  return {
    count: rows.length,
    forStep: (step, batch) => Array.from({ length: batch }, (_, k) => load((step - 1) * batch + k)),
  };
}
