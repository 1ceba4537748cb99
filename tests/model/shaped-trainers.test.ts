// Batches of different lengths train at their own padded shapes, yet as one model with one optimizer: the same
// steps taken by one trainer padded to the longest length must move the weights the same way.
import { describe, expect, it } from 'vitest';
import { createTinyVlm, type TinyVlm } from '../../src/main/model/tiny/vlm';
import { Policy } from '../../src/main/model/tiny/policy';
import { sftLoss } from '../../src/main/model/tiny/losses';
import { TinyTrainablePolicy } from '../../src/main/model/families/tiny';

const config = { vision_config: { image_size: 16, patch_size: 4, depth: 1 }, num_hidden_layers: 1 };
const LONG = 128;

function batch(model: TinyVlm, words: number) {
  const seqs = [0, 1].map((k) => ({ ids: model.tokenizer.encode(`row ${k}${' more words'.repeat(words)} end`) }));
  return seqs;
}

function maskFor(seqs: { ids: number[] }[], length: number): Float32Array {
  const mask = new Float32Array(seqs.length * length);
  seqs.forEach((s, b) => s.ids.forEach((_, t) => (mask[b * length + t] = t > 0 ? 1 : 0)));
  return mask;
}

async function train(shaped: boolean): Promise<{ weights: Float32Array[]; steps: number }> {
  const model = createTinyVlm({ config, seed: 9 });
  const policy = new Policy(model, { device: 'cpu' });
  const trainers = new TinyTrainablePolicy(policy).trainers({
    loss: sftLoss,
    trainable: 'all',
    optimizer: { lr: 1e-2, weightDecay: 0 },
  });
  const batches = [batch(model, 1), batch(model, 4), batch(model, 1)];
  let steps = 0;
  for (const seqs of batches) {
    const length = shaped ? Math.max(...seqs.map((s) => s.ids.length)) : LONG;
    expect(length).toBeLessThanOrEqual(LONG);
    await trainers.step({ rows: seqs, length, imagesPerRow: 0, extra: { loss_mask: maskFor(seqs, length) } });
    steps = trainers.steps();
  }
  await trainers.release();
  await policy.release();
  return { weights: [...model.weights.values()].map((w) => Float32Array.from(w.data as Float32Array)), steps };
}

describe('trainers of several batch shapes', () => {
  it('train one model with one optimizer state, as a single trainer padded to the longest batch does', async () => {
    const shaped = await train(true);
    const single = await train(false);
    expect(shaped.steps).toBe(3); // the step count (Adam's bias correction) carries across shapes
    const initial = [...createTinyVlm({ config, seed: 9 }).weights.values()].map((w) => w.data as Float32Array);
    let moved = 0;
    let gap = 0;
    shaped.weights.forEach((w, k) =>
      w.forEach((v, i) => {
        moved = Math.max(moved, Math.abs(v - initial[k][i]));
        gap = Math.max(gap, Math.abs(v - single.weights[k][i]));
      }),
    );
    expect(moved).toBeGreaterThan(1e-3);
    expect(gap).toBeLessThan(1e-4);
  });
});
