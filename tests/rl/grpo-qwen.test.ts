// A GRPO update of a Qwen2.5-VL folder through the policy interface: rows whose images differ in size train in
// sessions of their own shapes, micro-batches add up to the update the whole mini-batch makes in one pass (with the
// KL term read from a frozen reference), and a resumed trainer carries on the optimizer's state.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQwen25VlFolder } from '../../src/main/model/families/qwen2_5_vl/folder';
import { writeRandomQwen25Vl } from '../../src/main/model/families/qwen2_5_vl/random';
import { QwenTrainablePolicy } from '../../src/main/model/families/qwen2_5_vl/trainable';
import { grpoLoss } from '../../src/main/rl/grpo/loss';
import { updatePolicy, type TrainingRow } from '../../src/main/rl/train/update';

let dir: string;
const LENGTH = 96;

async function picture(width: number, height: number, seed: number): Promise<Uint8Array> {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 13 + seed * 71) % 256;
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Four rows: pictures of three sizes, one row with two pictures, the model's tokens marked for the loss. */
async function trainingRows(policy: QwenTrainablePolicy): Promise<TrainingRow[]> {
  const model = policy.model;
  const small = await model.prepareImage(await picture(56, 56, 1));
  const wide = await model.prepareImage(await picture(112, 56, 2));
  const large = await model.prepareImage(await picture(224, 112, 3));
  // 16, 128, 48 and 32 patch rows: one row's session (128) differs from the others' (64)
  const shapes = [[small], [large], [small, wide], [wide]];
  const rows = shapes.map((images, i) => {
    const pads = images.map(() => '<|vision_start|><|image_pad|><|vision_end|>').join(' ');
    const ids = model.encode(
      `${model.chatPrefix}<|im_start|>user\n${pads} Name it.<|im_end|>\n<|im_start|>assistant\nA bird ${i}.`,
      images,
    );
    const generated = 3 + i;
    const lossMask = ids.map((_, t) => (t >= ids.length - generated ? 1 : 0));
    return { ids, lossMask, logprobs: [] as number[], images };
  });
  // on-policy, as rollouts record them: every row's ratio starts at 1, inside the clip range, so each row's gradient
  // counts (a clipped row's is zero and would hide a lost micro-batch)
  const behaviour = await policy.logprobs(rows);
  rows.forEach((r, b) => (r.logprobs = r.ids.map((_, t) => (r.lossMask[t] ? behaviour[b][t] : 0))));
  return rows;
}

async function update(microBatch: number, state?: string) {
  const folder = loadQwen25VlFolder(join(dir, 'model'));
  const policy = new QwenTrainablePolicy(folder, { device: 'cpu' });
  const reference = new QwenTrainablePolicy(loadQwen25VlFolder(join(dir, 'model')), { device: 'cpu', frozen: true });
  const trainers = policy.trainers(
    {
      loss: grpoLoss({ clipRatio: 0.2, klCoef: 0.1, entropyCoef: 0 }),
      trainable: 'all',
      // a large ε makes Adam's first step follow the gradient's size, not only its sign: weights whose gradients
      // cancel to rounding noise then move by noise, not by ±lr either way
      optimizer: { lr: 1e-2, eps: 1e-2, weightDecay: 0 },
    },
    state ?? null,
  );
  const rows = await trainingRows(policy);
  const advantages = [1.2, -0.6, 0.9, -1.5];
  const metrics = await updatePolicy(trainers, reference, rows, advantages, {
    length: LENGTH,
    lr: 1e-2,
    imagesPerRow: 2,
    microBatch,
    miniBatch: 4,
  });
  const steps = trainers.steps();
  trainers.saveState(join(dir, `optimizer-${microBatch}.safetensors`));
  await trainers.release();
  await policy.release();
  await reference.release();
  return { weights: folder.weights, metrics, steps };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'searchlab-grpo-qwen-'));
  writeRandomQwen25Vl(join(dir, 'model'), { size: 'tiny', dtype: 'f32', seed: 4, std: 0.1 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a GRPO update of a Qwen2.5-VL folder', () => {
  it('in micro-batches of one row (of two shapes) moves the weights as the whole mini-batch in one pass does', async () => {
    const initial = loadQwen25VlFolder(join(dir, 'model')).weights;
    const whole = await update(4);
    const micro = await update(1);
    expect(whole.steps).toBe(1);
    expect(micro.steps).toBe(1);
    expect(whole.metrics.kl).toBeGreaterThanOrEqual(0);
    let moved = 0;
    let gap = 0;
    for (const [name, w] of whole.weights) {
      const before = initial.get(name)!.data;
      const other = micro.weights.get(name)!.data;
      w.data.forEach((v, i) => {
        moved = Math.max(moved, Math.abs(v - before[i]));
        gap = Math.max(gap, Math.abs(v - other[i]));
      });
    }
    for (const name of ['visual.blocks.0.attn.qkv.weight', 'visual.patch_embed.proj.weight', 'lm_head.weight'])
      expect(
        whole.weights.get(name)!.data.some((v, i) => v !== initial.get(name)!.data[i]),
        `${name} moved`,
      ).toBe(true);
    expect(moved).toBeGreaterThan(1e-3);
    expect(gap).toBeLessThan(moved * 1e-3);
  }, 300_000);

  it('resumes from a saved optimizer state: the step count carries on', async () => {
    const resumed = await update(4, join(dir, 'optimizer-4.safetensors'));
    expect(resumed.steps).toBe(2);
  }, 300_000);
});
