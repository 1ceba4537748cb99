import { describe, expect, it } from 'vitest';
import { grad } from '../../src/main/model/graph/autodiff';
import * as C from '../../src/main/model/graph/composites';
import * as O from '../../src/main/model/graph/ops';
import { ShapeError } from '../../src/main/model/graph/tensor';
import { emit } from '../../src/main/model/onnx/emit';
import { GraphSession } from '../../src/main/model/runtime/session';

async function run(outputs: Record<string, O.Like & object>, feeds: Record<string, Float32Array | BigInt64Array>) {
  const s = await GraphSession.create(emit(outputs as never), { device: 'cpu' });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('graph builder', () => {
  it('infers broadcast and matmul shapes and rejects mismatches', () => {
    const a = O.input('a', [2, 1, 3, 4]);
    const b = O.input('b', [5, 4, 6]);
    expect(O.matmul(a, b).shape).toEqual([2, 5, 3, 6]);
    expect(O.add(O.input('x', [3, 1]), O.input('y', [4])).shape).toEqual([3, 4]);
    expect(() => O.add(O.input('p', [3]), O.input('q', [4]))).toThrow(ShapeError);
    expect(() => O.matmul(O.input('m', [2, 3]), O.input('n', [4, 2]))).toThrow(/inner dims/);
    expect(() => O.reshape(O.input('r', [2, 3]), [4, 2])).toThrow(/reshape/);
  });

  it('stopGradient blocks the gradient but not the value', async () => {
    const x = O.input('x', [3]);
    const y = O.sum(O.mul(x, O.stopGradient(O.exp(x))));
    const [g] = grad(y, [x]);
    const out = await run({ y, g }, { x: Float32Array.from([0, 1, 2]) });
    const e = [1, Math.E, Math.E ** 2];
    expect((out.g as Float32Array)[1]).toBeCloseTo(e[1], 5);
    expect((out.y as Float32Array)[0]).toBeCloseTo(0 + e[1] + 2 * e[2], 4);
  });

  it('gives zeros for a tensor the loss does not depend on', async () => {
    const x = O.input('x', [2]);
    const z = O.input('z', [2]);
    const [gz] = grad(O.sum(O.exp(x)), [z]);
    const out = await run({ gz }, { x: Float32Array.from([1, 2]), z: Float32Array.from([3, 4]) });
    expect(Array.from(out.gz as Float32Array)).toEqual([0, 0]);
  });
});

describe('composites compute the textbook forward', () => {
  it('rmsNorm and softmax attention match a direct computation', async () => {
    const x = O.input('x', [1, 2, 4]);
    const w = O.input('w', [4]);
    const xv = Float32Array.from([1, 2, 3, 4, -1, 0, 1, 0.5]);
    const wv = Float32Array.from([1, 0.5, 2, 1]);
    const out = await run({ y: C.rmsNorm(x, w, 1e-6) }, { x: xv, w: wv });
    const y = out.y as Float32Array;
    for (let r = 0; r < 2; r++) {
      const row = xv.slice(r * 4, r * 4 + 4);
      const rms = Math.sqrt(row.reduce((s, v) => s + v * v, 0) / 4 + 1e-6);
      for (let i = 0; i < 4; i++) expect(y[r * 4 + i]).toBeCloseTo((row[i] / rms) * wv[i], 5);
    }
  });

  it('causal attention lets the first query see only the first key', async () => {
    const q = O.input('q', [1, 1, 2, 2]);
    const k = O.input('k', [1, 1, 2, 2]);
    const v = O.input('v', [1, 1, 2, 2]);
    const out = await run(
      { o: C.attention(q, k, v, C.causalMask(2)) },
      {
        q: Float32Array.from([1, 0, 0, 1]),
        k: Float32Array.from([1, 0, 0, 1]),
        v: Float32Array.from([10, 20, 30, 40]),
      },
    );
    const o = out.o as Float32Array;
    expect([o[0], o[1]]).toEqual([10, 20]);
    // second query: scores (0, 1/sqrt 2) over both keys
    const p1 = 1 / (1 + Math.exp(-1 / Math.SQRT2));
    expect(o[2]).toBeCloseTo(10 * (1 - p1) + 30 * p1, 4);
  });

  it('rotary rotates each pair (i, i + D/2) by position × frequency', async () => {
    const x = O.input('x', [1, 1, 2, 4]);
    const pos = O.constant(BigInt64Array.from([0n, 3n]), [1, 2], 'int64');
    const { cos, sin } = C.rotaryTables(pos, 4, 8, 10000);
    const xv = Float32Array.from([1, 2, 3, 4, 0.5, -1, 2, 0.25]);
    const y = (await run({ y: C.rotary(x, cos, sin) }, { x: xv })).y as Float32Array;
    [0, 3].forEach((p, t) => {
      for (let i = 0; i < 2; i++) {
        const a = p / Math.pow(10000, (2 * i) / 4);
        const [x1, x2] = [xv[t * 4 + i], xv[t * 4 + i + 2]];
        expect(y[t * 4 + i]).toBeCloseTo(x1 * Math.cos(a) - x2 * Math.sin(a), 5);
        expect(y[t * 4 + i + 2]).toBeCloseTo(x2 * Math.cos(a) + x1 * Math.sin(a), 5);
      }
    });
  });

  it('attention over a cache and recent keys equals attention over their concatenation', async () => {
    const q = O.input('q', [2, 4, 2, 4]);
    const ck = O.input('ck', [2, 2, 5, 4]);
    const cv = O.input('cv', [2, 2, 5, 4]);
    const rk = O.input('rk', [2, 2, 2, 4]);
    const rv = O.input('rv', [2, 2, 2, 4]);
    const mask = O.add(
      C.causalMask(2, 7),
      C.keyPaddingMask(
        O.constant(BigInt64Array.from([0n, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n, 1n, 1n, 1n, 1n]), [2, 7], 'int64'),
      ),
    );
    const split = C.attentionSplit(q, ck, cv, rk, rv, mask);
    const joined = C.attention(q, O.concat([ck, rk], 2), O.concat([cv, rv], 2), mask);
    const feeds: Record<string, Float32Array> = {};
    let seed = 1;
    for (const [name, n] of [
      ['q', 64],
      ['ck', 80],
      ['cv', 80],
      ['rk', 32],
      ['rv', 32],
    ] as const)
      feeds[name] = Float32Array.from({ length: n }, () => Math.sin((seed += 1.7)));
    const out = await run({ split, joined }, feeds);
    const a = out.split as Float32Array;
    const b = out.joined as Float32Array;
    expect(a.length).toBe(64);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
  });

  it('crossEntropy of uniform logits is log V', async () => {
    const logits = O.input('l', [2, 3, 5]);
    const t = O.input('t', [2, 3], 'int64');
    const out = await run(
      { ce: C.crossEntropy(logits, t) },
      { l: new Float32Array(30), t: new BigInt64Array(6).fill(2n) },
    );
    expect((out.ce as Float32Array)[0]).toBeCloseTo(Math.log(5), 5);
  });
});
