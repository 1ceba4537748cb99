// The policy update of a GRPO step: a step's trajectories and advantages in mini-batches through the trainer's
// graph, with the reference policy's log-probs when the loss has a KL term.
import type { MicroBatch, PolicyTrainers, TrainablePolicy } from '../../model';
import { GRPO_INPUTS } from '../grpo/loss';
import type { Trajectory } from '../rollout/types';

/** What a policy update reads of a trajectory. */
export type TrainingRow = Pick<Trajectory, 'ids' | 'lossMask' | 'logprobs' | 'images'>;

/** One micro-batch's rows for the trainer's graph: the sequences and the loss's inputs. */
async function microBatch(
  reference: TrainablePolicy | null,
  rows: { t: TrainingRow; advantage: number; real: boolean }[],
  length: number,
  imagesPerRow: number,
) {
  for (const { t } of rows) {
    if (t.ids.length > length)
      throw new Error(`A trajectory has ${t.ids.length} tokens, more than grpo.maxSequenceLength ${length}`);
    if (t.images.length > imagesPerRow)
      throw new Error(`A trajectory has ${t.images.length} images, more than a training row holds (${imagesPerRow})`);
  }
  const B = rows.length;
  const seqs = rows.map(({ t }) => ({ ids: t.ids, images: t.images }));
  const mask = new Float32Array(B * length);
  const old = new Float32Array(B * length);
  rows.forEach(({ t, real }, b) => {
    if (!real) return;
    t.lossMask.forEach((m, i) => (mask[b * length + i] = m));
    t.logprobs.forEach((lp, i) => (old[b * length + i] = lp));
  });
  const feeds: Record<string, Float32Array> = {
    [GRPO_INPUTS.mask]: mask,
    [GRPO_INPUTS.old]: old,
    [GRPO_INPUTS.advantages]: Float32Array.from(rows.map((r) => r.advantage)),
  };
  if (reference) {
    const logprobs = await reference.logprobs(seqs, length);
    const ref = new Float32Array(B * length);
    logprobs.forEach((row, b) => ref.set(row, b * length));
    feeds[GRPO_INPUTS.ref] = ref;
  }
  return { rows: seqs, length, imagesPerRow, extra: feeds } satisfies MicroBatch;
}

/**
 * One optimizer update per mini-batch. A mini-batch larger than the trainer's graph (its micro-batch) is run in
 * micro-batches whose gradients add up, each weighted by its share of the mini-batch's tokens, so the loss is
 * the token mean over the whole mini-batch, as if it had been one graph.
 */
export async function updatePolicy(
  trainers: PolicyTrainers,
  reference: TrainablePolicy | null,
  trajectories: readonly TrainingRow[],
  advantages: readonly number[],
  options: { length: number; lr: number; imagesPerRow: number; microBatch: number; miniBatch: number },
): Promise<Record<string, number>> {
  const { length, lr, imagesPerRow, miniBatch } = options;
  const B = options.microBatch;
  const accumulate = miniBatch > B;
  const tokensOf = (t: TrainingRow) => t.lossMask.reduce((n, m) => n + m, 0);
  const sums: Record<string, number> = {};
  let passes = 0;
  let updates = 0;
  for (let start = 0; start < trajectories.length; start += miniBatch) {
    const end = Math.min(start + miniBatch, trajectories.length);
    const miniTokens = Math.max(
      1,
      trajectories.slice(start, end).reduce((n, t) => n + tokensOf(t), 0),
    );
    for (let micro = start; micro < end; micro += B) {
      const rows = trajectories
        .slice(micro, Math.min(micro + B, end))
        .map((t, i) => ({ t, advantage: advantages[micro + i], real: true }));
      const microTokens = rows.reduce((n, r) => n + tokensOf(r.t), 0);
      // The last micro-batch is filled with copies whose loss mask is all zero: they change nothing.
      while (rows.length < B) rows.push({ ...rows[0], real: false });
      const batch = await microBatch(reference, rows, length, imagesPerRow);
      let result;
      if (accumulate) result = await trainers.accumulate(batch, microTokens / miniTokens);
      else {
        result = await trainers.step(batch, lr);
        sums.grad_norm = (sums.grad_norm ?? 0) + result.gradNorm;
      }
      sums.loss = (sums.loss ?? 0) + result.loss;
      for (const [k, v] of Object.entries(result.metrics)) if (typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
      passes++;
    }
    if (accumulate) sums.grad_norm = (sums.grad_norm ?? 0) + (await trainers.apply(lr)).gradNorm;
    updates++;
  }
  // Without accumulation every pass is an update, so the gradient norm is always a mean per update.
  return Object.fromEntries(
    Object.entries(sums).map(([k, v]) => [k, v / Math.max(1, k === 'grad_norm' ? updates : passes)]),
  );
}
