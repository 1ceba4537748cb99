// The primitive table is checked by the compiler (tsconfig.test.json compiles this file: each `@ts-expect-error`
// below fails the type check if the line it marks ever compiles) and by autodiff and the emitter at run time.
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/main/model/graph/autodiff';
import * as O from '../../src/main/model/graph/ops';
import { isOp, primitive, PRIMITIVES, type NoAttrs } from '../../src/main/model/graph/primitives';
import { Tensor } from '../../src/main/model/graph/tensor';
import { emit } from '../../src/main/model/onnx/emit';

const same = ([x]: readonly Tensor[]) => ({ shape: x.shape, dtype: x.dtype });

describe('the primitive table', () => {
  it('rejects, at compile time, an entry without a gradient rule or without a lowering', () => {
    // @ts-expect-error an entry must say how it differentiates, 'none' if it does not
    const withoutGrad = primitive<NoAttrs>({ shape: same, lower: (_ctx, [x]) => x });
    // @ts-expect-error an entry must say how it lowers to ONNX
    const withoutLowering = primitive<NoAttrs>({ shape: same, grad: 'none' });
    // @ts-expect-error 'none' is the only word a gradient rule may be
    const misspelt = primitive<NoAttrs>({ shape: same, grad: 'nothing', lower: (_ctx, [x]) => x });
    const explicit = primitive<NoAttrs>({ shape: same, grad: 'none', lower: (_ctx, [x]) => x });
    expect([withoutGrad, withoutLowering, misspelt, explicit].every((e) => typeof e.shape === 'function')).toBe(true);
  });

  it("types each op's attributes where a tensor is made and where it is read", () => {
    const x = O.input('x', [2, 3]);
    // @ts-expect-error sum takes `axes` and `keepdims`, not `axis`
    expect(() => O.apply('sum', [x], { axis: 1 })).toThrow();
    // @ts-expect-error sum's attributes are required
    expect(() => O.apply('sum', [x])).toThrow();
    // @ts-expect-error no such op in the table
    expect(() => O.apply('cosh', [x])).toThrow(/unknown primitive cosh/);
    const summed = O.apply('sum', [x], { axes: [1], keepdims: true });
    expect(summed.shape).toEqual([2, 1]);
    const moved: Tensor = O.transpose(x, [1, 0]);
    if (!isOp(moved, 'transpose')) throw new Error('expected a transpose');
    const perm: readonly number[] = moved.attrs.perm; // typed without a cast
    expect(perm).toEqual([1, 0]);
  });

  it('gives every op a gradient rule or an explicit none, and an ONNX lowering', () => {
    for (const [op, entry] of Object.entries(PRIMITIVES)) {
      expect(typeof entry.grad === 'function' || entry.grad === 'none', `${op}: gradient rule`).toBe(true);
      expect(typeof entry.lower, `${op}: lowering`).toBe('function');
    }
    const none = Object.entries(PRIMITIVES)
      .filter(([, entry]) => entry.grad === 'none')
      .map(([op]) => op);
    expect(none.sort()).toEqual(['and', 'argmax', 'const', 'equal', 'input', 'less', 'not', 'stopGradient']);
  });

  it('autodiff and the emitter throw on an op the table does not hold, naming it, instead of a silent zero', () => {
    const x = O.input('x', [3]);
    const stray = new Tensor('cosh', [x], x.shape, x.dtype, {});
    const loss = O.sum(stray);
    expect(() => grad(loss, [x])).toThrow(/unknown primitive cosh/);
    expect(() => emit({ loss })).toThrow(/unknown primitive cosh/);
  });
});
