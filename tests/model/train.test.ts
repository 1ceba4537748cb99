import { describe, expect, it } from 'vitest';
import { crossEntropy, embedding, rmsNorm, silu } from '../../src/main/model/graph/composites';
import * as O from '../../src/main/model/graph/ops';
import { adamwGraph } from '../../src/main/model/train/adamw';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneWeights, initWeights, type ParamSpec } from '../../src/main/model/train/params';
import { Trainer, type TrainerOptions } from '../../src/main/model/train/trainer';
import { emit } from '../../src/main/model/onnx/emit';
import { GraphSession } from '../../src/main/model/runtime/session';

describe('AdamW in the graph', () => {
  it('matches a hand-computed AdamW step with clipping', async () => {
    const p = O.input('p', [3]);
    const g = O.input('g', [3]);
    const cfg = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1 };
    const { outputs, gradNorm } = adamwGraph([{ name: 'p', param: p, grad: g, decay: true }], cfg);
    const s = await GraphSession.create(emit({ ...outputs, gradNorm }), { device: 'cpu' });
    const pv = [1, -2, 0.5];
    const gv = [3, 4, 0]; // norm 5 → clipped to 1
    const out = await s.run({
      p: Float32Array.from(pv),
      g: Float32Array.from(gv),
      'adam_m/p': new Float32Array(3),
      'adam_v/p': new Float32Array(3),
      'adam/lr': Float32Array.of(cfg.lr),
      'adam/bias_correction1': Float32Array.of(1 / (1 - 0.9)),
      'adam/bias_correction2': Float32Array.of(1 / (1 - 0.99)),
    });
    expect(out.gradNorm[0]).toBeCloseTo(5, 5);
    for (let i = 0; i < 3; i++) {
      const gc = gv[i] / 5;
      const m = 0.1 * gc;
      const v = 0.01 * gc * gc;
      const upd = m / 0.1 / (Math.sqrt(v / 0.01) + 1e-8) + 0.1 * pv[i];
      expect(out['updated/p'][i]).toBeCloseTo(pv[i] - 0.1 * upd, 5);
      expect(out['updated_m/p'][i]).toBeCloseTo(m, 6);
    }
  });
});

describe('training steps', () => {
  it('a small language model learns to predict a fixed sequence (loss falls below a fifth)', async () => {
    const V = 11;
    const D = 16;
    const specs: ParamSpec[] = [
      { name: 'emb', shape: [V, D], init: { kind: 'normal', std: 0.5 }, decay: false },
      { name: 'norm', shape: [D], init: { kind: 'ones' }, decay: false },
      { name: 'up', shape: [32, D], init: { kind: 'normal', std: 0.25 }, decay: true },
      { name: 'out', shape: [V, 32], init: { kind: 'normal', std: 0.2 }, decay: true },
    ];
    const weights = initWeights(specs, 7);
    const B = 4;
    const T = 6;
    const options: Omit<TrainerOptions, 'weights'> = {
      trainable: 'all',
      optimizer: { lr: 0.05, maxGradNorm: 1 },
      build: (p) => {
        const ids = O.input('ids', [B, T], 'int64');
        const targets = O.input('targets', [B, T], 'int64');
        const h = rmsNorm(embedding(p.get('emb'), ids), p.get('norm'));
        const logits = O.matmul(silu(O.matmul(h, O.transpose(p.get('up'), [1, 0]))), O.transpose(p.get('out'), [1, 0]));
        return { loss: crossEntropy(logits, targets) };
      },
    };
    const trainer = await Trainer.create({ ...options, weights });
    // next token = (token * 3 + 1) mod V
    const ids = BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7) % V));
    const targets = ids.map((x) => (x * 3n + 1n) % BigInt(V));
    const first = await trainer.trainStep({ ids, targets });
    let last = first;
    for (let i = 0; i < 60; i++) last = await trainer.trainStep({ ids, targets });
    expect(first.loss).toBeGreaterThan(1.5);
    expect(last.loss).toBeLessThan(first.loss / 5);
    expect(first.gradNorm).toBeGreaterThan(0);
    expect(trainer.step).toBe(61);

    // the optimizer state round-trips: a resumed trainer takes the same next step as the original
    const dir = mkdtempSync(join(tmpdir(), 'searchlab-train-'));
    trainer.saveState(join(dir, 'optimizer.safetensors'));
    const before = cloneWeights(weights);
    await trainer.trainStep({ ids, targets });
    const maxDiff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    const resumedWeights = cloneWeights(before);
    const resumed = await Trainer.create({ ...options, weights: resumedWeights });
    resumed.loadState(join(dir, 'optimizer.safetensors'));
    expect(resumed.step).toBe(61);
    await resumed.trainStep({ ids, targets });
    expect(maxDiff(resumedWeights.get('out')!.data, weights.get('out')!.data)).toBeLessThan(1e-6);
    // without the state (zero moments, step 1) the same step lands elsewhere
    const freshWeights = cloneWeights(before);
    const fresh = await Trainer.create({ ...options, weights: freshWeights });
    await fresh.trainStep({ ids, targets });
    expect(maxDiff(freshWeights.get('out')!.data, weights.get('out')!.data)).toBeGreaterThan(1e-4);
    await fresh.release();
    rmSync(dir, { recursive: true, force: true });
    await resumed.release();
    await trainer.release();
  });

  it('two accumulated half batches make the same update as one full batch', async () => {
    const specs: ParamSpec[] = [
      { name: 'w', shape: [4, 3], init: { kind: 'normal', std: 0.5 }, decay: true },
      { name: 'b', shape: [4], init: { kind: 'zeros' }, decay: false },
    ];
    const build = (rows: number) => (p: import('../../src/main/model/train/params').ParamSet) => {
      const x = O.input('x', [rows, 3]);
      const y = O.input('y', [rows, 4]);
      const d = O.sub(p.linear(x, 'proj'), y);
      return { loss: O.mean(O.mul(d, d)) };
    };
    const rename = (w: ReturnType<typeof initWeights>) =>
      new Map([...w].map(([k, v]) => [k === 'w' ? 'proj.weight' : 'proj.bias', v]));
    const full = rename(initWeights(specs, 5));
    const halves = cloneWeights(full);
    const x = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    const y = Float32Array.from({ length: 32 }, (_, i) => Math.cos(i * 0.7));
    const a = await Trainer.create({ weights: full, trainable: 'all', build: build(8), optimizer: { lr: 0.01 } });
    const b = await Trainer.create({ weights: halves, trainable: 'all', build: build(4), optimizer: { lr: 0.01 } });
    for (let step = 0; step < 3; step++) {
      const one = await a.trainStep({ x, y });
      const h1 = await b.accumulate({ x: x.subarray(0, 12), y: y.subarray(0, 16) }, 0.5);
      const h2 = await b.accumulate({ x: x.subarray(12), y: y.subarray(16) }, 0.5);
      const applied = await b.applyAccumulated();
      expect((h1.loss + h2.loss) / 2).toBeCloseTo(one.loss, 5);
      expect(applied.gradNorm).toBeCloseTo(one.gradNorm, 4);
    }
    for (const n of ['proj.weight', 'proj.bias'])
      full.get(n)!.data.forEach((v, i) => expect(halves.get(n)!.data[i]).toBeCloseTo(v, 5));
    expect(b.step).toBe(3);
    await expect(b.applyAccumulated()).rejects.toThrow(/before any accumulate/);
    await a.release();
    await b.release();
  });

  it('trains a weight the model code reshapes (a patch embedding stored as [out, C, T, P, P]) as it trains a matrix', async () => {
    const x = Float32Array.from({ length: 5 * 24 }, (_, i) => Math.sin(i));
    const data = Float32Array.from({ length: 4 * 24 }, (_, i) => Math.cos(i));
    const gradients: Float32Array[] = [];
    for (const shape of [
      [4, 3, 2, 2, 2],
      [4, 24],
    ]) {
      const weights = new Map([['w', { shape, data: Float32Array.from(data) }]]);
      const { model } = Trainer.build(
        {
          weights,
          trainable: 'all',
          build: (p) => {
            const y = O.matmul(O.input('x', [5, 24]), O.transpose(O.reshape(p.get('w'), [4, 24]), [1, 0]));
            return { loss: O.sum(O.mul(y, y)) };
          },
        },
        'grad',
      );
      const s = await GraphSession.create(model, { device: 'cpu' });
      gradients.push((await s.run({ x, params: weights.get('w')!.data })).grad as Float32Array);
      await s.release();
    }
    expect(gradients[0].some((g) => Math.abs(g) > 1)).toBe(true);
    gradients[0].forEach((g, i) => expect(g).toBeCloseTo(gradients[1][i], 4));
  });

  it('frozen weights stay put and only LoRA adapters change', async () => {
    const specs: ParamSpec[] = [
      { name: 'proj.weight', shape: [4, 4], init: { kind: 'normal', std: 0.5 }, decay: true },
      { name: 'proj.lora_A.weight', shape: [2, 4], init: { kind: 'normal', std: 0.5 }, decay: true },
      { name: 'proj.lora_B.weight', shape: [4, 2], init: { kind: 'zeros' }, decay: true },
    ];
    const weights = initWeights(specs, 3);
    const base = Float32Array.from(weights.get('proj.weight')!.data);
    const trainer = await Trainer.create({
      weights,
      trainable: 'lora',
      lora: { rank: 2, alpha: 4, targets: () => true },
      optimizer: { lr: 0.05 },
      build: (p) => {
        const x = O.input('x', [3, 4]);
        const y = O.input('y', [3, 4]);
        const d = O.sub(p.linear(x, 'proj'), y);
        return { loss: O.mean(O.mul(d, d)) };
      },
    });
    expect(trainer.trainableNames.sort()).toEqual(['proj.lora_A.weight', 'proj.lora_B.weight']);
    const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const y = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i));
    const first = await trainer.trainStep({ x, y });
    let last = first;
    for (let i = 0; i < 40; i++) last = await trainer.trainStep({ x, y });
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(Array.from(weights.get('proj.weight')!.data)).toEqual(Array.from(base));
    expect(weights.get('proj.lora_B.weight')!.data.some((v) => v !== 0)).toBe(true);
    await trainer.release();
  });
});
