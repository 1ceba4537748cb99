// Training a Qwen2.5-VL folder: the training graph's per-token log-probs and gradients against the float64
// reference (reference.ts, written apart from the graph code), on a micro-batch whose rows differ in length and
// images (one row holds a question picture and a tool result's thumbnail), and SFT through the policy interface.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQwen25VlFolder, type Qwen25VlFolder } from '../../../src/main/model/families/qwen2_5_vl/folder';
import { writeRandomQwen25Vl } from '../../../src/main/model/families/qwen2_5_vl/random';
import { Qwen25VlRuntime } from '../../../src/main/model/families/qwen2_5_vl/runtime';
import { QwenTrainablePolicy } from '../../../src/main/model/families/qwen2_5_vl/trainable';
import { trainingFeeds, trainingForward, trainingShape } from '../../../src/main/model/families/qwen2_5_vl/training';
import { sftTokenSumLoss } from '../../../src/main/model/tiny/losses';
import { input, mul, neg, sum } from '../../../src/main/model/graph/ops';
import { Trainer, FLAT } from '../../../src/main/model/train/trainer';
import { GraphSession } from '../../../src/main/model/runtime/session';
import type { PolicySequence } from '../../../src/main/model/policy/types';
import type { WeightMap } from '../../../src/main/model/runtime/safetensors';
import { trainSft } from '../../../src/main/rl/sft/train';
import { referenceLogits, referenceRopeIndex, referenceVision } from './reference';

let dir: string;
let folder: Qwen25VlFolder;
let rows: PolicySequence[];
const LENGTH = 96;

async function picture(width: number, height: number, seed: number): Promise<Uint8Array> {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + seed * 101 + ((i / 3) % width) * 5) % 256;
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Float64 log p(ids[t] | ids[<t]) at t ≥ 1 for one row (index t − 1), and their sum. */
function referenceLogprobs(weights: WeightMap, row: PolicySequence): number[] {
  const c = folder.config;
  const images = row.images ?? [];
  const grids = images.map((i) => [...i.grid!]);
  const { pos } = referenceRopeIndex([...row.ids], grids, c);
  const features = images.length
    ? images
        .map((i) => referenceVision(weights, c, Float64Array.from(i.pixels), [[...i.grid!]]))
        .reduce((a, b) => ({ rows: a.rows + b.rows, cols: a.cols, d: Float64Array.from([...a.d, ...b.d]) }))
    : { rows: 0, cols: c.text.hidden_size, d: new Float64Array(0) };
  const T = row.ids.length;
  const logits = referenceLogits(weights, c, [...row.ids], pos, features, T);
  return logits.slice(0, T - 1).map((l, t) => {
    const max = l.reduce((m, x) => Math.max(m, x), -Infinity);
    const z = l.reduce((s, x) => s + Math.exp(x - max), 0);
    return l[row.ids[t + 1]] - max - Math.log(z);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'searchlab-qwen-train-'));
  writeRandomQwen25Vl(join(dir, 'model'), { size: 'tiny', dtype: 'f32', seed: 11, std: 0.2 });
  folder = loadQwen25VlFolder(join(dir, 'model'));
  const runtime = new Qwen25VlRuntime(folder, { device: 'cpu' });
  const model = new QwenTrainablePolicy(folder, { device: 'cpu' }).model;
  const question = await model.prepareImage(await picture(84, 56, 1));
  const thumbnail = await model.prepareImage(await picture(56, 56, 2));
  const text = (images: number) =>
    runtime.render(
      images === 2
        ? [
            { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which bird is this?' }] },
            { role: 'assistant', content: '<search><img></search>' },
            { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'A result.' }] },
          ]
        : [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'And this one, in a word?' }] }],
      true,
    ) + 'A heron.';
  rows = [
    { ids: model.encode(text(2), [question, thumbnail]), images: [question, thumbnail] },
    { ids: model.encode(text(1), [thumbnail]), images: [thumbnail] },
  ];
  expect(rows[0].ids.length).toBeLessThan(LENGTH);
  expect(rows[1].ids.length).toBeLessThan(rows[0].ids.length);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('training a Qwen2.5-VL folder', () => {
  it("computes each row's token log-probs as the float64 reference does, padding and images included", async () => {
    const policy = new QwenTrainablePolicy(folder, { device: 'cpu' });
    const trainers = policy.trainers({
      trainable: 'all',
      loss: ({ out, shape, input }) => ({
        loss: sum(mul(neg(out.logprobs), input('loss_mask', [shape.batch, shape.length]))),
        metrics: { logprobs: out.logprobs },
      }),
    });
    try {
      const r = await trainers.accumulate(
        { rows, length: LENGTH, imagesPerRow: 2, extra: { loss_mask: new Float32Array(2 * LENGTH) } },
        1,
      );
      const got = r.metrics.logprobs as Float32Array;
      rows.forEach((row, b) => {
        const want = referenceLogprobs(folder.weights, row);
        expect(Math.abs(got[b * LENGTH])).toBe(0);
        want.forEach((w, t) => expect(Math.abs(got[b * LENGTH + t + 1] - w)).toBeLessThan(1e-3));
        // the inference runtime's scoring agrees too
      });
      const scored = await policy.logprobs(rows);
      rows.forEach((row, b) =>
        row.ids.forEach((_, t) => expect(Math.abs(scored[b][t] - got[b * LENGTH + t])).toBeLessThan(1e-4)),
      );
    } finally {
      await trainers.release();
      await policy.release();
    }
  }, 120_000);

  it("gives the gradient the float64 reference's finite differences give, through the decoder and the vision tower", async () => {
    const probes: [string, number][] = [
      ['model.layers.0.self_attn.q_proj.weight', 5],
      ['model.layers.1.mlp.down_proj.weight', 17],
      ['model.embed_tokens.weight', rows[1].ids[3] * folder.config.text.hidden_size + 2],
      ['lm_head.weight', rows[0].ids[rows[0].ids.length - 1] * folder.config.text.hidden_size + 1],
      ['visual.blocks.0.attn.qkv.weight', 40],
      ['visual.merger.mlp.0.weight', 9],
      ['visual.patch_embed.proj.weight', 100],
    ];
    const names = new Set(probes.map(([n]) => n));
    const shape = trainingShape(rows, LENGTH);
    expect(shape.patches).toBeGreaterThan(
      rows.reduce((n, r) => n + r.images!.reduce((m, i) => m + i.grid![1] * i.grid![2], 0), 0),
    );
    const weights = folder.weights;
    const {
      model,
      offsets,
      names: trained,
    } = Trainer.build(
      {
        weights,
        trainable: (n) => names.has(n),
        build: (P) =>
          sftTokenSumLoss({
            out: trainingForward(P, folder.config, shape),
            shape: { batch: 2, length: LENGTH },
            input: (n, s) => input(n, s),
          }),
      },
      'grad',
    );
    const session = await GraphSession.create(model, { device: 'cpu' });
    try {
      const flat = new Float32Array(offsets.at(-1)!);
      trained.forEach((n, i) => flat.set(weights.get(n)!.data, offsets[i]));
      const mask = new Float32Array(2 * LENGTH);
      rows.forEach((row, b) => row.ids.forEach((_, t) => (mask[b * LENGTH + t] = t > 0 ? 1 : 0)));
      const out = await session.run({
        // the patch rows padded to the session's bucket: padding must change nothing
        ...trainingFeeds(folder.config, rows, LENGTH, shape.patches),
        loss_mask: mask,
        [FLAT]: flat,
      });
      const grad = out.grad as Float32Array;
      const loss = (w: WeightMap) =>
        -rows.reduce((s, row) => s + referenceLogprobs(w, row).reduce((a, b) => a + b, 0), 0);
      expect(Math.abs(Number(out.loss[0]) - loss(weights)) / Math.abs(loss(weights))).toBeLessThan(1e-5);
      for (const [name, index] of probes) {
        const w = weights.get(name)!;
        const h = 1e-3;
        const shifted = (delta: number) => {
          const data = Float64Array.from(w.data);
          data[index] += delta;
          return new Map(weights).set(name, { shape: w.shape, data: data as unknown as Float32Array });
        };
        const fd = (loss(shifted(h)) - loss(shifted(-h))) / (2 * h);
        const g = grad[offsets[trained.indexOf(name)] + index];
        expect(Math.abs(g - fd), `${name}[${index}]: graph ${g}, finite difference ${fd}`).toBeLessThan(
          2e-3 * Math.max(1, Math.abs(fd)),
        );
      }
    } finally {
      await session.release();
    }
  }, 300_000);

  it('learns teacher sequences with SFT through the policy interface (the loss falls, the model then prefers them)', async () => {
    const own = loadQwen25VlFolder(join(dir, 'model'));
    const policy = new QwenTrainablePolicy(own, { device: 'cpu' });
    try {
      const before = await policy.logprobs(rows);
      const sequences = rows.map((r) => ({
        ids: r.ids,
        images: r.images!,
        // the answer's tokens are learned
        lossMask: r.ids.map((_, t) => (t >= r.ids.length - 4 ? 1 : 0)),
      }));
      const losses = await trainSft(policy, sequences, { epochs: 8, batchSize: 2, lr: 1e-2, seed: 1 });
      expect(losses).toHaveLength(8);
      expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
      const after = await policy.logprobs(rows);
      rows.forEach((r, b) => {
        const tail = (x: Float32Array) => x.slice(r.ids.length - 4).reduce((a, v) => a + v, 0);
        expect(tail(after[b])).toBeGreaterThan(tail(before[b]) + 1);
      });
    } finally {
      await policy.release();
    }
  }, 300_000);
});
