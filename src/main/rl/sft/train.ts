// SFT cold start: teach a model the protocol from teacher sequences (mean NLL over the model's own turns).
import { bucketLength, sftLoss, type Policy } from '../../model/tiny/vlm';
import type { TeacherSequence } from './scripted';
import { Random } from '../../platform/random';

export interface SftOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed?: number;
  onStep?(step: number, loss: number): void;
  shouldStop?(): boolean;
}

/** Trains on every sequence `epochs` times in shuffled mini-batches of a fixed shape; returns each step's loss. */
export async function trainSft(policy: Policy, sequences: readonly TeacherSequence[], options: SftOptions): Promise<number[]> {
  if (sequences.length < options.batchSize) throw new Error(`SFT needs at least ${options.batchSize} sequences, got ${sequences.length}`);
  const length = bucketLength(Math.max(...sequences.map((s) => s.ids.length)));
  const maxImages = Math.max(...sequences.map((s) => s.images.length));
  const trainer = await policy.trainer({
    shape: { batch: options.batchSize, length, images: maxImages * options.batchSize },
    loss: sftLoss,
    trainable: policy.model.lora ? 'lora' : 'all',
    optimizer: { lr: options.lr },
  });
  const random = new Random(options.seed ?? 1);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = random.shuffle([...sequences.keys()]);
      for (let start = 0; start + options.batchSize <= order.length; start += options.batchSize) {
        if (options.shouldStop?.()) return losses;
        const batch = order.slice(start, start + options.batchSize).map((i) => sequences[i]);
        const mask = new Float32Array(options.batchSize * length);
        batch.forEach((s, b) => s.lossMask.forEach((v, t) => (mask[b * length + t] = v)));
        const result = await trainer.step(batch.map((s) => ({ ids: s.ids, images: s.images })), { loss_mask: mask });
        losses.push(result.loss);
        options.onStep?.(losses.length, result.loss);
      }
    }
    return losses;
  } finally {
    await trainer.release();
  }
}
