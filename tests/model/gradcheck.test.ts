import { describe, expect, it } from 'vitest';
import { gradCheck, gradCheckAll, type GradCheckCase } from '../../src/main/model/gradcheck/check';
import { compositeCases, primitiveCases } from '../../src/main/model/gradcheck/cases';
import { PRIMITIVES } from '../../src/main/model/graph/primitives';
import * as O from '../../src/main/model/graph/ops';
import { tinyModelGradCase } from '../../src/main/model/tiny/gradcheck';

describe('gradient check against finite differences (through onnxruntime)', () => {
  it('covers every differentiable primitive in the table', () => {
    const differentiable = Object.entries(PRIMITIVES)
      .filter(([, p]) => p.grad !== 'none')
      .map(([name]) => name);
    const covered = new Set<string>();
    for (const c of primitiveCases) covered.add(c.name.split(' ')[0]);
    expect(differentiable.filter((op) => !covered.has(op))).toEqual([]);
  });

  it.each([...primitiveCases, ...compositeCases].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await gradCheck(c);
    expect(r.error).toBeUndefined();
    expect(r.checks).toBeGreaterThan(0);
    expect(r.maxRelError).toBeLessThan(c.dtype === 'float32' ? 1e-3 : 1e-6);
  });

  it('the whole tiny VLM (every weight and the pixels) agrees with finite differences', async () => {
    const r = await gradCheck(tinyModelGradCase());
    expect(r.error).toBeUndefined();
    expect(r.checks).toBeGreaterThan(200);
    expect(r.maxRelError).toBeLessThan(1e-6);
  });

  it('catches a wrong gradient rule', async () => {
    // x * stopGradient(x) has gradient x, not 2x: the checker must notice the difference
    const wrong: GradCheckCase = {
      name: 'wrong',
      group: 'test',
      inputs: [{ name: 'x', shape: [4] }],
      build: (x) => O.mul(x, O.stopGradient(x)),
    };
    const [r] = await gradCheckAll([wrong]);
    expect(r.passed).toBe(false);
    expect(r.maxRelError).toBeGreaterThan(0.1);
  });
});
