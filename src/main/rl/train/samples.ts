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

const needsSearch = (need: string | null) => need !== null && need !== 'search_free' && need !== 'unsure';

/** Keeps every sample of the scarcer kind and as many of the other as the share asks for (seeded choice). */
function withShare<T extends { need: string | null }>(rows: T[], share: number, random: Random): T[] {
  const required = rows.filter((r) => needsSearch(r.need));
  const free = rows.filter((r) => r.need === 'search_free');
  if (share >= 1) return required;
  if (share <= 0) return free;
  const keepRequired = Math.min(required.length, Math.floor((free.length * share) / (1 - share)));
  const keepFree =
    keepRequired < required.length
      ? free.length
      : Math.min(free.length, Math.floor((required.length * (1 - share)) / share));
  return [...random.shuffle(required).slice(0, keepRequired), ...random.shuffle(free).slice(0, keepFree)];
}

export function trainingSamples(
  store: Store,
  dataset: string,
  split: string | null,
  seed: number,
  searchRequiredShare: number | null = null,
): TrainingSamples {
  const found = store.repos.datasets.find(dataset);
  if (!found) throw new Error(`No dataset named "${dataset}"`);
  const all = store.repos.trajectories.trainingRows(found.id, split);
  const rows = searchRequiredShare === null ? all : withShare(all, searchRequiredShare, new Random(seed + 1));
  if (rows.length === 0)
    throw new Error(`Dataset "${dataset}" has no samples${split ? ` in split "${split}"` : ''} with an image`);
  const order = new Random(seed).shuffle(rows.map((_, i) => i));
  const load = (i: number): RolloutSample => {
    const row = rows[order[i % order.length]];
    const image = store.repos.images.get(row.imageSha256);
    if (!image) throw new Error(`Sample ${row.id}: image ${row.imageSha256} is missing from the store`);
    return {
      sampleId: row.id,
      question: row.question,
      image: image.bytes,
      imageUrl: row.imageUrl,
      groundTruth: row.answer,
      candidateAnswers: row.candidateAnswers,
      need: row.need,
    };
  };
  return {
    count: rows.length,
    forStep: (step, batch) => Array.from({ length: batch }, (_, k) => load((step - 1) * batch + k)),
  };
}
