// Every primitive op in one table: its attributes' type, its shape rule, its gradient rule and its ONNX lowering,
// side by side. Everything else (softmax-based losses, norms, attention…) is composed from these in composites.ts
// and has no gradient code of its own. The `Op` union and each op's attribute type are derived from the table, so
// adding an op is one `primitive<Attrs>({…})` entry that the compiler checks (plus its case in gradcheck/cases.ts).
//
// A gradient rule receives the output's cotangent `g`, the output `y`, the inputs and the attributes, and returns
// one cotangent per input (null where the input is not differentiable). Rules are written with the public ops, so
// the backward graph is itself made of primitives. An op with no gradient says so: `grad: 'none'`.

import type { LoweringContext } from './lowering';
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
import { allocData, check, isFloat, sameShape, type DType, type Shape, type Tensor, type TensorData } from './tensor';

export type GradRule<A> = (gradient: Tensor, output: Tensor, inputs: readonly Tensor[], attrs: A) => (Tensor | null)[];
/** Writes the op as ONNX nodes; `inputs` are the ONNX names of its inputs. Returns the name holding the result. */
export type Lowering<A> = (ctx: LoweringContext, inputs: readonly string[], output: Tensor, attrs: A) => string;

export interface Primitive<A> {
  /** Output shape and dtype from the inputs and attributes; throws ShapeError on a mismatch. */
  shape(inputs: readonly Tensor[], attrs: A): { shape: Shape; dtype: DType };
  /** Cotangents of the inputs, or 'none' for an op that passes no gradient to its inputs. */
  grad: GradRule<A> | 'none';
  lower: Lowering<A>;
}

/** One table entry with its attributes' type; every field is required. */
export function primitive<A>(entry: Primitive<A>): Primitive<A> {
  return entry;
}

/** The attributes of an op that has none. */
export type NoAttrs = Readonly<Record<string, never>>;

type Reduction = { readonly axes: readonly number[]; readonly keepdims: boolean };
type Axis = { readonly axis: number };

// ---- lowerings shared by several ops ----

/** One ONNX node of the given type, inputs in order. */
const onnx =
  (opType: string): Lowering<unknown> =>
  (ctx, ins) =>
    ctx.result(opType, ins);

const reduceOver =
  (opType: string): Lowering<Reduction> =>
  (ctx, ins, _y, a) =>
    ctx.result(opType, ins, [
      { name: 'axes', kind: 'ints', value: a.axes },
      { name: 'keepdims', kind: 'int', value: a.keepdims ? 1 : 0 },
    ]);

const alongAxis =
  (opType: string): Lowering<Axis> =>
  (ctx, ins, _y, a) =>
    ctx.result(opType, ins, [{ name: 'axis', kind: 'int', value: a.axis }]);

/** A scalar of `dtype` holding `value`, as typed-array data. */
function scalarData(dtype: DType, value: number): TensorData {
  const data = allocData(dtype, 1);
  if (data instanceof BigInt64Array) data[0] = BigInt(value);
  else data[0] = value;
  return data;
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
      check(
        v === 1 || d === 1 || v === d,
        () => `cannot broadcast shapes ${shapes.map((x) => `[${x}]`).join(' and ')}`,
      );
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

function reduced([x]: readonly Tensor[], { axes, keepdims }: Reduction) {
  const shape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) shape.push(d);
    else if (keepdims) shape.push(1);
  });
  return { shape, dtype: x.dtype };
}

/** The shape a reduction's result has with keepdims, for broadcasting it back. */
function keptShape(x: Tensor, axes: readonly number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

const elementwise = (opType: string, grad: GradRule<NoAttrs>) =>
  primitive<NoAttrs>({ shape: floatSame, grad, lower: onnx(opType) });
const broadcasting = (opType: string, grad: GradRule<NoAttrs>) =>
  primitive<NoAttrs>({ shape: binary, grad, lower: onnx(opType) });
const comparison = (opType: string) => primitive<NoAttrs>({ shape: compare, grad: 'none', lower: onnx(opType) });

// ---- the table ----

const TABLE = {
  // leaves
  input: primitive<{ readonly name: string; readonly shape: Shape; readonly dtype: DType }>({
    shape: (_, a) => ({ shape: a.shape, dtype: a.dtype }),
    grad: 'none',
    lower: (ctx, _ins, y, a) => ctx.graphInput(a.name, y.shape, y.dtype),
  }),
  // `name` is kept in the emitted model (a frozen weight's name); `scalar` marks a lifted number (ops.ts folds it)
  const: primitive<{
    readonly data: TensorData;
    readonly shape: Shape;
    readonly dtype: DType;
    readonly name?: string;
    readonly scalar?: number;
  }>({
    shape: (_, a) => ({ shape: a.shape, dtype: a.dtype }),
    grad: 'none',
    lower: (ctx, _ins, y, a) => ctx.initializer(a.name ?? 'c', y.dtype, y.shape, a.data, a.name === undefined),
  }),

  // unary
  neg: primitive<NoAttrs>({ shape: same, grad: (g) => [neg(g)], lower: onnx('Neg') }),
  exp: elementwise('Exp', (g, y) => [mul(g, y)]),
  log: elementwise('Log', (g, _y, [x]) => [div(g, x)]),
  sqrt: elementwise('Sqrt', (g, y) => [div(mul(g, 0.5), y)]),
  recip: elementwise('Reciprocal', (g, y) => [neg(mul(g, mul(y, y)))]),
  tanh: elementwise('Tanh', (g, y) => [mul(g, sub(1, mul(y, y)))]),
  sigmoid: elementwise('Sigmoid', (g, y) => [mul(g, mul(y, sub(1, y)))]),
  erf: elementwise('Erf', (g, _y, [x]) => [mul(g, mul(2 / Math.sqrt(Math.PI), exp(neg(mul(x, x)))))]),

  // binary, numpy broadcasting
  add: broadcasting('Add', (g, _y, [a, b]) => [sumTo(g, a.shape), sumTo(g, b.shape)]),
  sub: broadcasting('Sub', (g, _y, [a, b]) => [sumTo(g, a.shape), sumTo(neg(g), b.shape)]),
  mul: broadcasting('Mul', (g, _y, [a, b]) => [sumTo(mul(g, b), a.shape), sumTo(mul(g, a), b.shape)]),
  div: broadcasting('Div', (g, y, [a, b]) => [sumTo(div(g, b), a.shape), sumTo(neg(div(mul(g, y), b)), b.shape)]),
  maximum: broadcasting('Max', (g, _y, [a, b]) => {
    const bWins = less(a, b);
    const zero = zerosLike(g);
    return [sumTo(where(bWins, zero, g), a.shape), sumTo(where(bWins, g, zero), b.shape)];
  }),
  less: comparison('Less'),
  equal: comparison('Equal'),
  and: comparison('And'),
  not: primitive<NoAttrs>({ shape: ([x]) => ({ shape: x.shape, dtype: 'bool' }), grad: 'none', lower: onnx('Not') }),

  where: primitive<NoAttrs>({
    shape: ([c, a, b]) => {
      check(c.dtype === 'bool', () => `where: condition must be bool, got ${c}`);
      check(a.dtype === b.dtype, () => `where: dtype mismatch ${a} vs ${b}`);
      return { shape: broadcastShapes(c.shape, a.shape, b.shape), dtype: a.dtype };
    },
    grad: (g, _y, [c, a, b]) => {
      const zero = zerosLike(g);
      return [null, sumTo(where(c, g, zero), a.shape), sumTo(where(c, zero, g), b.shape)];
    },
    lower: onnx('Where'),
  }),
  cast: primitive<{ readonly to: DType }>({
    shape: ([x], a) => ({ shape: x.shape, dtype: a.to }),
    grad: (g, _y, [x]) => [isFloat(x.dtype) ? cast(g, x.dtype) : null],
    lower: (ctx, ins, _y, a) => ctx.result('Cast', ins, [{ name: 'to', kind: 'dtype', value: a.to }]),
  }),

  // reductions over `axes` (sorted, non-negative), with or without kept dims
  sum: primitive<Reduction>({
    shape: reduced,
    grad: (g, _y, [x], a) => [expand(reshape(g, keptShape(x, a.axes)), x.shape)],
    // ReduceSum takes its axes as an input from opset 13 on
    lower: (ctx, [x], _y, a) =>
      ctx.result('ReduceSum', [x, ctx.ints(a.axes)], [{ name: 'keepdims', kind: 'int', value: a.keepdims ? 1 : 0 }]),
  }),
  max: primitive<Reduction>({
    shape: reduced,
    grad: (g, y, [x], a) => {
      const kept = keptShape(x, a.axes);
      const hit = cast(equal(x, expand(reshape(y, kept), x.shape)), x.dtype);
      const share = div(hit, sum(hit, a.axes, true)); // ties split the gradient
      return [mul(share, expand(reshape(g, kept), x.shape))];
    },
    lower: reduceOver('ReduceMax'),
  }),

  // index of the largest value along attrs.axis (dropped); integer output, so no gradient
  argmax: primitive<Axis>({
    shape: ([x], a) => ({ shape: x.shape.filter((_, i) => i !== a.axis), dtype: 'int64' }),
    grad: 'none',
    lower: (ctx, ins, _y, a) =>
      ctx.result('ArgMax', ins, [
        { name: 'axis', kind: 'int', value: a.axis },
        { name: 'keepdims', kind: 'int', value: 0 },
      ]),
  }),

  // mean over `axes` (ReduceMean): a primitive of its own so that ORT can recognise norm patterns
  mean: primitive<Reduction>({
    shape: reduced,
    grad: (g, _y, [x], a) => {
      const n = a.axes.reduce((p, axis) => p * x.shape[axis], 1);
      return [div(expand(reshape(g, keptShape(x, a.axes)), x.shape), n)];
    },
    lower: reduceOver('ReduceMean'),
  }),
  // x ** exponent for a constant exponent
  pow: primitive<{ readonly exponent: number }>({
    shape: floatSame,
    grad: (g, _y, [x], { exponent: p }) => [mul(g, p === 2 ? mul(x, 2) : mul(powConst(x, p - 1), p))],
    lower: (ctx, [x], y, a) =>
      ctx.result('Pow', [x, ctx.initializer('exponent', y.dtype, [], scalarData(y.dtype, a.exponent), true)]),
  }),

  // normalisations along one axis (ONNX has fused kernels; their gradients are short)
  softmax: primitive<Axis>({
    shape: floatSame,
    grad: (g, y, _x, a) => [mul(y, sub(g, sum(mul(g, y), [a.axis], true)))],
    lower: alongAxis('Softmax'),
  }),
  logsoftmax: primitive<Axis>({
    shape: floatSame,
    grad: (g, y, _x, a) => [sub(g, mul(exp(y), sum(g, [a.axis], true)))],
    lower: alongAxis('LogSoftmax'),
  }),

  // [..., n, k] @ [..., k, m] with broadcast batch dims
  matmul: primitive<NoAttrs>({
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
    lower: onnx('MatMul'),
  }),

  // movement
  reshape: primitive<{ readonly shape: readonly number[] }>({
    shape: ([x], { shape }) => {
      check(shape.reduce((p, d) => p * d, 1) === x.size, () => `cannot reshape ${x} to [${shape}]`);
      return { shape, dtype: x.dtype };
    },
    grad: (g, _y, [x]) => [reshape(g, x.shape)],
    lower: (ctx, [x], y) => ctx.result('Reshape', [x, ctx.reshapeTarget(y.inputs[0].shape, y.shape)]),
  }),
  transpose: primitive<{ readonly perm: readonly number[] }>({
    shape: ([x], { perm }) => {
      check(perm.length === x.rank && [...perm].sort().every((p, i) => p === i), () => `bad perm [${perm}] for ${x}`);
      return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
    },
    grad: (g, _y, _x, { perm }) => [
      transpose(
        g,
        perm.map((_, i) => perm.indexOf(i)),
      ),
    ],
    lower: (ctx, ins, _y, a) => ctx.result('Transpose', ins, [{ name: 'perm', kind: 'ints', value: a.perm }]),
  }),
  expand: primitive<{ readonly shape: readonly number[] }>({
    shape: ([x], { shape }) => {
      check(sameShape(broadcastShapes(x.shape, shape), shape), () => `cannot expand ${x} to [${shape}]`);
      return { shape, dtype: x.dtype };
    },
    grad: (g, _y, [x]) => [sumTo(g, x.shape)],
    lower: (ctx, [x], y) => ctx.result('Expand', [x, ctx.ints(y.shape)]),
  }),
  // one [start, end) range per dim, normalised, step 1
  slice: primitive<{ readonly starts: readonly number[]; readonly ends: readonly number[] }>({
    shape: ([x], { starts, ends }) => {
      check(starts.length === x.rank, () => `slice: need one range per dim of ${x}`);
      starts.forEach((s, i) =>
        check(
          0 <= s && s <= ends[i] && ends[i] <= x.shape[i],
          () => `slice [${s}, ${ends[i]}) out of dim ${i} of ${x}`,
        ),
      );
      return { shape: starts.map((s, i) => ends[i] - s), dtype: x.dtype };
    },
    grad: (g, _y, [x], { starts, ends }) => [
      pad(
        g,
        starts,
        ends.map((e, i) => x.shape[i] - e),
      ),
    ],
    lower: (ctx, [data], y, { starts, ends }) => {
      // only the axes that are cut
      const x = y.inputs[0];
      const axes = starts.map((_, i) => i).filter((i) => starts[i] !== 0 || ends[i] !== x.shape[i]);
      const [from, to] = [ctx.ints(axes.map((i) => starts[i])), ctx.ints(axes.map((i) => ends[i]))];
      return ctx.result('Slice', [data, from, to, ctx.ints(axes)]);
    },
  }),
  // zero padding: `before` / `after` per dim
  pad: primitive<{ readonly before: readonly number[]; readonly after: readonly number[] }>({
    shape: ([x], { before, after }) => ({ shape: x.shape.map((d, i) => d + before[i] + after[i]), dtype: x.dtype }),
    grad: (g, _y, [x], { before }) => [
      slice(
        g,
        before,
        before.map((b, i) => b + x.shape[i]),
      ),
    ],
    lower: (ctx, [x], y, { before, after }) => {
      const zero = ctx.initializer('zero', y.dtype, [], allocData(y.dtype, 1), true);
      return ctx.result('Pad', [x, ctx.ints([...before, ...after]), zero]);
    },
  }),
  concat: primitive<Axis>({
    shape: (xs, { axis }) => {
      const first = xs[0];
      for (const x of xs)
        check(
          x.rank === first.rank &&
            x.dtype === first.dtype &&
            x.shape.every((d, i) => i === axis || d === first.shape[i]),
          () => `concat: ${x} does not match ${first} along axis ${axis}`,
        );
      const shape = [...first.shape];
      shape[axis] = xs.reduce((n, x) => n + x.shape[axis], 0);
      return { shape, dtype: first.dtype };
    },
    grad: (g, _y, xs, { axis }) => {
      let offset = 0;
      return xs.map((x) => {
        const starts = x.shape.map((_, i) => (i === axis ? offset : 0));
        const ends = x.shape.map((d, i) => (i === axis ? offset + d : g.shape[i]));
        offset += x.shape[axis];
        return slice(g, starts, ends);
      });
    },
    lower: alongAxis('Concat'),
  }),
  // data.shape[:axis] + indices.shape + data.shape[axis+1:]
  gather: primitive<Axis>({
    shape: ([data, idx], { axis }) => {
      check(idx.dtype === 'int64' || idx.dtype === 'int32', () => `gather: indices must be integers, got ${idx}`);
      return { shape: [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)], dtype: data.dtype };
    },
    grad: (g, _y, [data, idx], { axis }) => {
      if (axis === 0) return [scatterAdd(idx, g, data.shape), null];
      // move the gathered axis to the front, scatter, move it back
      const ni = idx.rank;
      const perm = [...range(axis, axis + ni), ...range(0, axis), ...range(axis + ni, g.rank)];
      const moved = transpose(g, perm);
      const front = [data.shape[axis], ...data.shape.slice(0, axis), ...data.shape.slice(axis + 1)];
      const scattered = scatterAdd(idx, moved, front);
      const back = [...range(1, axis + 1), 0, ...range(axis + 1, data.rank)];
      return [transpose(scattered, back), null];
    },
    lower: alongAxis('Gather'),
  }),
  // zeros(shape) with updates[i...] added at row indices[i...]; the adjoint of gather on axis 0
  scatterAdd: primitive<{ readonly shape: readonly number[] }>({
    shape: ([idx, upd], { shape }) => {
      check(
        sameShape(upd.shape, [...idx.shape, ...shape.slice(1)]),
        () => `scatterAdd: updates ${upd} do not fit indices ${idx} into [${shape}]`,
      );
      return { shape, dtype: upd.dtype };
    },
    grad: (g, _y, [idx]) => [null, gather(g, idx, 0)],
    // ScatterND with reduction 'add' into zeros, the indices as a column of int64 row numbers
    lower: (ctx, [indices, updates], y) => {
      const [idx, upd] = y.inputs;
      const idx64 =
        idx.dtype === 'int64' ? indices : ctx.temp('Cast', [indices], [{ name: 'to', kind: 'dtype', value: 'int64' }]);
      const column = ctx.temp('Reshape', [idx64, ctx.ints([...idx.shape, 1])]);
      const zeros = ctx.temp(
        'ConstantOfShape',
        [ctx.ints(y.shape)],
        [{ name: 'value', kind: 'tensor', value: { dtype: upd.dtype, dims: [1], data: allocData(upd.dtype, 1) } }],
      );
      return ctx.result('ScatterND', [zeros, column, updates], [{ name: 'reduction', kind: 'string', value: 'add' }]);
    },
  }),

  // identity whose input receives no gradient (in ONNX, no node at all: the input's name stands for it)
  stopGradient: primitive<NoAttrs>({ shape: same, grad: 'none', lower: (_ctx, [x]) => x }),
};

/** Every primitive op's name. */
export type Op = keyof typeof TABLE;
/** The attributes of each op, as its table entry declares them. */
export type AttrsByOp = { [O in Op]: (typeof TABLE)[O] extends Primitive<infer A> ? A : never };
export type AttrsOf<O extends Op> = AttrsByOp[O];
/** A tensor known to be of one op, its attributes typed. */
export type TensorOf<O extends Op> = Tensor & { readonly op: O; readonly attrs: AttrsOf<O> };

/** The table, typed so that looking up an op gives the entry for that op's attributes. */
export const PRIMITIVES: { readonly [O in Op]: Primitive<AttrsOf<O>> } = TABLE;

export function isPrimitive(op: string): op is Op {
  return Object.hasOwn(PRIMITIVES, op);
}

/** Narrows a tensor to one op, so that its attributes have that op's type. */
export function isOp<O extends Op>(tensor: Tensor, op: O): tensor is TensorOf<O> {
  return tensor.op === op;
}

/**
 * A tensor's table entry with its attributes, typed alike; throws for an op the table does not hold. Tensors are
 * made only by `apply`, which checks the attributes against the entry, so the stored attributes are the entry's.
 */
export function primitiveOf(tensor: Tensor): { entry: Primitive<AttrsOf<Op>>; attrs: AttrsOf<Op> } {
  if (!isPrimitive(tensor.op))
    throw new Error(`unknown primitive ${tensor.op} (${tensor}): not in the primitive table`);
  return { entry: PRIMITIVES[tensor.op] as Primitive<AttrsOf<Op>>, attrs: tensor.attrs as AttrsOf<Op> };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
