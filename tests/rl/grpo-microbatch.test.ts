// A mini-batch run in micro-batches (gradients accumulated, each weighted by its share of the tokens) must make the
// same update as the whole mini-batch in one graph: the loss is the token mean over the mini-batch either way.
import { describe, expect, it } from 'vitest';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import { Policy } from '../../src/main/model/tiny/policy';
import { TinyTrainablePolicy } from '../../src/main/model/families/tiny';
import { grpoLoss } from '../../src/main/rl/grpo/loss';
import { updatePolicy, type TrainingRow } from '../../src/main/rl/train/update';

const config = { vision_config: { image_size: 16, patch_size: 4, depth: 1 }, num_hidden_layers: 1 };
const T = 24;

/** Rows of different lengths, so that micro-batches hold different numbers of tokens. */
function rows(model: ReturnType<typeof createTinyVlm>): TrainingRow[] {
  return Array.from({ length: 8 }, (_, i) => {
    const ids = model.tokenizer.encode(`question ${i} ${'and more '.repeat(i % 4)}answer`).slice(0, T);
    const generated = 3 + (i % 4) * 3;
    const lossMask = ids.map((_, t) => (t >= ids.length - generated ? 1 : 0));
    return { ids, lossMask, logprobs: ids.map((_, t) => (lossMask[t] ? -2 - (t % 3) * 0.1 : 0)), images: [] };
  });
}

async function updatedWeights(microBatch: number): Promise<Float32Array[]> {
  const model = createTinyVlm({ config, seed: 5 });
  const policy = new Policy(model, { device: 'cpu' });
  const trainers = new TinyTrainablePolicy(policy).trainers({
    loss: grpoLoss({ clipRatio: 0.2, klCoef: 0, entropyCoef: 0 }),
    trainable: 'all',
    optimizer: { lr: 1e-2 },
  });
  const data = rows(model);
  const advantages = data.map((_, i) => (i % 3 === 0 ? 1.2 : -0.6));
  await updatePolicy(trainers, null, data, advantages, {
    length: T,
    lr: 1e-2,
    imagesPerRow: 0,
    microBatch,
    miniBatch: 8,
  });
  await trainers.release();
  await policy.release();
  return [...model.weights.values()].map((w) => Float32Array.from(w.data as Float32Array));
}

describe('a GRPO update in micro-batches', () => {
  it('moves the weights as the whole mini-batch in one pass does', async () => {
    const whole = await updatedWeights(8);
    const micro = await updatedWeights(2);
    const initial = [...createTinyVlm({ config, seed: 5 }).weights.values()].map((w) => w.data as Float32Array);
    let moved = 0;
    let gap = 0;
    whole.forEach((w, k) =>
      w.forEach((v, i) => {
        moved = Math.max(moved, Math.abs(v - initial[k][i]));
        gap = Math.max(gap, Math.abs(v - micro[k][i]));
      }),
    );
    expect(moved).toBeGreaterThan(1e-3);
    expect(gap).toBeLessThan(moved * 1e-3);
  });
});
