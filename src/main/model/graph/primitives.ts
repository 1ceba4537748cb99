// Every primitive op, with its shape rule and its gradient rule side by side. Everything else (softmax-based
// losses, norms, attention…) is composed from these in composites.ts and has no gradient code of its own.
//
// A gradient rule receives the output's cotangent `g`, the output `y` and the inputs, and returns one cotangent
// per input (null where the input is not differentiable). Rules are written with the public ops, so the backward
// graph is itself made of primitives.

import {
  cast,
  div,
  powConst,
  equal,
  exp,
  expand,
  gather,
  less,
  matmul,
  mul,
  neg,
  pad,
  reshape,
  scatterAdd,
  slice,
  sub,
  sum,
  sumTo,
  swapLast,
  transpose,
  where,
  zerosLike,
} from './ops';
import { check, isFloat, sameShape, type Attrs, type DType, type Shape, type Tensor } from './tensor';

export interface Primitive {
  /** Output shape and dtype from the inputs and attributes; throws ShapeError on a mismatch. */
  shape(inputs: readonly Tensor[], attrs: Attrs): { shape: Shape; dtype: DType };
  /** Cotangents of the inputs. Absent: the op is not differentiable (its inputs get no gradient). */
  grad?(g: Tensor, y: Tensor, inputs: readonly Tensor[]): (Tensor | null)[];
}

// ---- shape rules ----

export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const v = k < 0 ? 1 : s[k];
      check(v === 1 || d === 1 || v === d, () => `cannot broadcast shapes ${shapes.map((x) => `[${x}]`).join(' and ')}`);
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

const same = ([x]: readonly Tensor[]) => ({ shape: x.shape, dtype: x.dtype });
const floatSame = ([x]: readonly Tensor[]) => {
  check(isFloat(x.dtype), () => `expected a float tensor, got ${x}`);
  return { shape: x.shape, dtype: x.dtype };
};
const binary = ([a, b]: readonly Tensor[]) => {
  check(a.dtype === b.dtype, () => `dtype mismatch: ${a} vs ${b}`);
  return { shape: broadcastShapes(a.shape, b.shape), dtype: a.dtype };
};
const compare = (ins: readonly Tensor[]) => ({ shape: binary(ins).shape, dtype: 'bool' as DType });

function reduced(x: Tensor, attrs: Attrs) {
  const axes = attrs.axes as number[];
  const keep = attrs.keepdims as boolean;
  const shape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) shape.push(d);
    else if (keep) shape.push(1);
  });
  return { shape, dtype: x.dtype };
}

/** The shape a reduction's result has with keepdims, for broadcasting it back. */
function keptShape(x: Tensor, axes: number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

// ---- the table ----

export const PRIMITIVES: Record<string, Primitive> = {
  // leaves
  input: { shape: (_, a) => ({ shape: a.shape as Shape, dtype: a.dtype as DType }) },
  const: { shape: (_, a) => ({ shape: a.shape as Shape, dtype: a.dtype as DType }) },

  // unary
  neg: { shape: same, grad: (g) => [neg(g)] },
  exp: { shape: floatSame, grad: (g, y) => [mul(g, y)] },
  log: { shape: floatSame, grad: (g, _y, [x]) => [div(g, x)] },
  sqrt: { shape: floatSame, grad: (g, y) => [div(mul(g, 0.5), y)] },
  recip: { shape: floatSame, grad: (g, y) => [neg(mul(g, mul(y, y)))] },
  tanh: { shape: floatSame, grad: (g, y) => [mul(g, sub(1, mul(y, y)))] },
  sigmoid: { shape: floatSame, grad: (g, y) => [mul(g, mul(y, sub(1, y)))] },
  erf: { shape: floatSame, grad: (g, _y, [x]) => [mul(g, mul(2 / Math.sqrt(Math.PI), exp(neg(mul(x, x)))))] },

  // binary, numpy broadcasting
  add: { shape: binary, grad: (g, _y, [a, b]) => [sumTo(g, a.shape), sumTo(g, b.shape)] },
  sub: { shape: binary, grad: (g, _y, [a, b]) => [sumTo(g, a.shape), sumTo(neg(g), b.shape)] },
  mul: { shape: binary, grad: (g, _y, [a, b]) => [sumTo(mul(g, b), a.shape), sumTo(mul(g, a), b.shape)] },
  div: { shape: binary, grad: (g, y, [a, b]) => [sumTo(div(g, b), a.shape), sumTo(neg(div(mul(g, y), b)), b.shape)] },
  maximum: {
    shape: binary,
    grad: (g, _y, [a, b]) => {
      const bWins = less(a, b);
      const zero = zerosLike(g);
      return [sumTo(where(bWins, zero, g), a.shape), sumTo(where(bWins, g, zero), b.shape)];
    },
  },
  less: { shape: compare },
  equal: { shape: compare },
  and: { shape: compare },
  not: { shape: ([x]) => ({ shape: x.shape, dtype: 'bool' }) },

  where: {
    shape: ([c, a, b]) => {
      check(c.dtype === 'bool', () => `where: condition must be bool, got ${c}`);
      check(a.dtype === b.dtype, () => `where: dtype mismatch ${a} vs ${b}`);
      return { shape: broadcastShapes(c.shape, a.shape, b.shape), dtype: a.dtype };
    },
    grad: (g, _y, [c, a, b]) => {
      const zero = zerosLike(g);
      return [null, sumTo(where(c, g, zero), a.shape), sumTo(where(c, zero, g), b.shape)];
    },
  },
  cast: {
    shape: ([x], a) => ({ shape: x.shape, dtype: a.to as DType }),
    grad: (g, _y, [x]) => [isFloat(x.dtype) ? cast(g, x.dtype) : null],
  },

  // reductions over `axes` (sorted, non-negative), with or without kept dims
  sum: {
    shape: ([x], a) => reduced(x, a),
    grad: (g, y, [x]) => [expand(reshape(g, keptShape(x, y.attrs.axes as number[])), x.shape)],
  },
  max: {
    shape: ([x], a) => reduced(x, a),
    grad: (g, y, [x]) => {
      const axes = y.attrs.axes as number[];
      const kept = keptShape(x, axes);
      const hit = cast(equal(x, expand(reshape(y, kept), x.shape)), x.dtype);
      const share = div(hit, sum(hit, axes, true)); // ties split the gradient
      return [mul(share, expand(reshape(g, kept), x.shape))];
    },
  },

  // index of the largest value along attrs.axis (dropped); integer output, so no gradient
  argmax: {
    shape: ([x], a) => ({ shape: x.shape.filter((_, i) => i !== (a.axis as number)), dtype: 'int64' }),
  },

  // mean over `axes` (ReduceMean): a primitive of its own so that ORT can recognise norm patterns
  mean: {
    shape: ([x], a) => reduced(x, a),
    grad: (g, y, [x]) => {
      const axes = y.attrs.axes as number[];
      const n = axes.reduce((p, a) => p * x.shape[a], 1);
      return [div(expand(reshape(g, keptShape(x, axes)), x.shape), n)];
    },
  },
  // x ** attrs.exponent for a constant exponent
  pow: {
    shape: floatSame,
    grad: (g, y, [x]) => {
      const p = y.attrs.exponent as number;
      return [mul(g, p === 2 ? mul(x, 2) : mul(powConst(x, p - 1), p))];
    },
  },

  // normalisations along one axis (ONNX has fused kernels; their gradients are short)
  softmax: {
    shape: floatSame,
    grad: (g, y) => {
      const axis = y.attrs.axis as number;
      return [mul(y, sub(g, sum(mul(g, y), [axis], true)))];
    },
  },
  logsoftmax: {
    shape: floatSame,
    grad: (g, y) => {
      const axis = y.attrs.axis as number;
      return [sub(g, mul(exp(y), sum(g, [axis], true)))];
    },
  },

  // [..., n, k] @ [..., k, m] with broadcast batch dims
  matmul: {
    shape: ([a, b]) => {
      check(a.rank >= 2 && b.rank >= 2, () => `matmul needs rank >= 2: ${a} @ ${b}`);
      check(a.dtype === b.dtype, () => `matmul dtype mismatch ${a} @ ${b}`);
      const k = a.shape[a.rank - 1];
      check(k === b.shape[b.rank - 2], () => `matmul inner dims differ: ${a} @ ${b}`);
      const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
      return { shape: [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]], dtype: a.dtype };
    },
    grad: (g, _y, [a, b]) => {
      const ga = sumTo(matmul(g, swapLast(b)), a.shape);
      let gb: Tensor;
      if (b.rank === 2 && a.rank > 2) {
        // x @ W: fold the batch into rows rather than reducing a batched product
        const k = a.shape[a.rank - 1];
        const m = g.shape[g.rank - 1];
        gb = matmul(transpose(reshape(a, [-1, k]), [1, 0]), reshape(g, [-1, m]));
      } else gb = sumTo(matmul(swapLast(a), g), b.shape);
      return [ga, gb];
    },
  },

  // movement
  reshape: {
    shape: ([x], a) => {
      const shape = a.shape as number[];
      check(shape.reduce((p, d) => p * d, 1) === x.size, () => `cannot reshape ${x} to [${shape}]`);
      return { shape, dtype: x.dtype };
    },
    grad: (g, _y, [x]) => [reshape(g, x.shape)],
  },
  transpose: {
    shape: ([x], a) => {
      const perm = a.perm as number[];
      check(perm.length === x.rank && [...perm].sort().every((p, i) => p === i), () => `bad perm [${perm}] for ${x}`);
      return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
    },
    grad: (g, y) => {
      const perm = y.attrs.perm as number[];
      const inv = perm.map((_, i) => perm.indexOf(i));
      return [transpose(g, inv)];
    },
  },
  expand: {
    shape: ([x], a) => {
      const shape = a.shape as number[];
      check(sameShape(broadcastShapes(x.shape, shape), shape), () => `cannot expand ${x} to [${shape}]`);
      return { shape, dtype: x.dtype };
    },
    grad: (g, _y, [x]) => [sumTo(g, x.shape)],
  },
  slice: {
    // attrs.starts / attrs.ends: one entry per dim, normalised, step 1
    shape: ([x], a) => {
      const starts = a.starts as number[];
      const ends = a.ends as number[];
      check(starts.length === x.rank, () => `slice: need one range per dim of ${x}`);
      starts.forEach((s, i) =>
        check(0 <= s && s <= ends[i] && ends[i] <= x.shape[i], () => `slice [${s}, ${ends[i]}) out of dim ${i} of ${x}`),
      );
      return { shape: starts.map((s, i) => ends[i] - s), dtype: x.dtype };
    },
    grad: (g, y, [x]) => {
      const starts = y.attrs.starts as number[];
      const ends = y.attrs.ends as number[];
      return [pad(g, starts, ends.map((e, i) => x.shape[i] - e))];
    },
  },
  pad: {
    // zero padding: attrs.before / attrs.after per dim
    shape: ([x], a) => {
      const before = a.before as number[];
      const after = a.after as number[];
      return { shape: x.shape.map((d, i) => d + before[i] + after[i]), dtype: x.dtype };
    },
    grad: (g, y, [x]) => {
      const before = y.attrs.before as number[];
      return [slice(g, before, before.map((b, i) => b + x.shape[i]))];
    },
  },
  concat: {
    shape: (xs, a) => {
      const axis = a.axis as number;
      const first = xs[0];
      for (const x of xs)
        check(
          x.rank === first.rank && x.dtype === first.dtype && x.shape.every((d, i) => i === axis || d === first.shape[i]),
          () => `concat: ${x} does not match ${first} along axis ${axis}`,
        );
      const shape = [...first.shape];
      shape[axis] = xs.reduce((n, x) => n + x.shape[axis], 0);
      return { shape, dtype: first.dtype };
    },
    grad: (g, y, xs) => {
      const axis = y.attrs.axis as number;
      let offset = 0;
      return xs.map((x) => {
        const starts = x.shape.map((_, i) => (i === axis ? offset : 0));
        const ends = x.shape.map((d, i) => (i === axis ? offset + d : g.shape[i]));
        offset += x.shape[axis];
        return slice(g, starts, ends);
      });
    },
  },
  // data.shape[:axis] + indices.shape + data.shape[axis+1:]
  gather: {
    shape: ([data, idx], a) => {
      const axis = a.axis as number;
      check(idx.dtype === 'int64' || idx.dtype === 'int32', () => `gather: indices must be integers, got ${idx}`);
      return { shape: [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)], dtype: data.dtype };
    },
    grad: (g, y, [data, idx]) => {
      const axis = y.attrs.axis as number;
      if (axis === 0) return [scatterAdd(idx, g, data.shape), null];
      // move the gathered axis to the front, scatter, move it back
      const pre = axis;
      const ni = idx.rank;
      const perm = [...range(pre, pre + ni), ...range(0, pre), ...range(pre + ni, g.rank)];
      const moved = transpose(g, perm);
      const front = [data.shape[axis], ...data.shape.slice(0, axis), ...data.shape.slice(axis + 1)];
      const scattered = scatterAdd(idx, moved, front);
      const back = [...range(1, axis + 1), 0, ...range(axis + 1, data.rank)];
      return [transpose(scattered, back), null];
    },
  },
  // zeros(attrs.shape) with updates[i...] added at row indices[i...]; the adjoint of gather on axis 0
  scatterAdd: {
    shape: ([idx, upd], a) => {
      const shape = a.shape as number[];
      check(
        sameShape(upd.shape, [...idx.shape, ...shape.slice(1)]),
        () => `scatterAdd: updates ${upd} do not fit indices ${idx} into [${shape}]`,
      );
      return { shape, dtype: upd.dtype };
    },
    grad: (g, _y, [idx]) => [null, gather(g, idx, 0)],
  },

  // identity whose input receives no gradient
  stopGradient: { shape: same },
};

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
