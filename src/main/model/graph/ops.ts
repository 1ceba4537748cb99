// The public tensor ops: thin wrappers over the primitive table that accept plain numbers as scalars, normalise
// axes, and skip no-op nodes (a reshape to the same shape, a multiply by one) so that graphs stay small.

import { isOp, PRIMITIVES, type AttrsOf, type NoAttrs, type Op, type TensorOf } from './primitives';
import { check, sameShape, sizeOf, Tensor, toData, type DType, type Shape, type TensorData } from './tensor';

export type Like = Tensor | number;

/** The attributes argument of `apply`: required for an op that has attributes, optional for one that has none. */
type AttrsArg<O extends Op> = NoAttrs extends AttrsOf<O> ? [attrs?: AttrsOf<O>] : [attrs: AttrsOf<O>];

/** A new tensor of a primitive op, its shape and dtype from the op's shape rule. */
export function apply<O extends Op>(op: O, inputs: readonly Tensor[], ...[attrs]: AttrsArg<O>): TensorOf<O> {
  const prim = Object.hasOwn(PRIMITIVES, op) ? PRIMITIVES[op] : undefined;
  if (!prim) throw new Error(`unknown primitive ${op}`);
  // an op without attributes gets an empty object (AttrsArg lets only those leave it out)
  const given = (attrs ?? {}) as AttrsOf<O>;
  const { shape, dtype } = prim.shape(inputs, given);
  return new Tensor(op, inputs, shape, dtype, given) as TensorOf<O>;
}

// ---- leaves ----

/** A graph input fed at run time. */
export function input(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
  return apply('input', [], { name, shape: [...shape], dtype });
}

/** A constant (an ONNX initializer). `name` is kept in the emitted model, e.g. a frozen weight's name. */
export function constant(data: TensorData | ArrayLike<number>, shape: Shape, dtype?: DType, name?: string): Tensor {
  const typed =
    ArrayBuffer.isView(data) && (dtype === undefined || dtypeMatches(data as TensorData, dtype))
      ? (data as TensorData)
      : toData(dtype ?? 'float32', data as ArrayLike<number>);
  const dt = dtype ?? dtypeOf(typed);
  check(typed.length === sizeOf(shape), () => `constant ${name ?? ''}: ${typed.length} values for shape [${shape}]`);
  return apply('const', [], { data: typed, shape: [...shape], dtype: dt, name });
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return apply('const', [], { data: toData(dtype, [value]), shape: [], dtype, scalar: value });
}

function dtypeOf(d: TensorData): DType {
  if (d instanceof Float64Array) return 'float64';
  if (d instanceof BigInt64Array) return 'int64';
  if (d instanceof Int32Array) return 'int32';
  if (d instanceof Uint8Array) return 'bool';
  return 'float32';
}
function dtypeMatches(d: TensorData, dtype: DType): boolean {
  return dtypeOf(d) === dtype;
}

function scalarValue(t: Tensor): number | undefined {
  return isOp(t, 'const') ? t.attrs.scalar : undefined;
}

function lift(x: Like, ref: Like): Tensor {
  if (typeof x !== 'number') return x;
  return scalar(x, typeof ref === 'number' ? 'float32' : ref.dtype);
}

function pair(a: Like, b: Like): [Tensor, Tensor] {
  return [lift(a, b), lift(b, a)];
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  check(a >= 0 && a < rank, () => `axis ${axis} out of range for rank ${rank}`);
  return a;
}

// ---- elementwise ----

export const neg = (x: Tensor): Tensor => apply('neg', [x]);
export const exp = (x: Tensor): Tensor => apply('exp', [x]);
export const log = (x: Tensor): Tensor => apply('log', [x]);
export const sqrt = (x: Tensor): Tensor => apply('sqrt', [x]);
export const recip = (x: Tensor): Tensor => apply('recip', [x]);
export const tanh = (x: Tensor): Tensor => apply('tanh', [x]);
export const sigmoid = (x: Tensor): Tensor => apply('sigmoid', [x]);
export const erf = (x: Tensor): Tensor => apply('erf', [x]);

export function add(a: Like, b: Like): Tensor {
  const [x, y] = pair(a, b);
  if (scalarValue(y) === 0 && y.rank === 0) return x;
  if (scalarValue(x) === 0 && x.rank === 0) return y;
  return apply('add', [x, y]);
}
export function sub(a: Like, b: Like): Tensor {
  const [x, y] = pair(a, b);
  if (scalarValue(y) === 0 && y.rank === 0) return x;
  return apply('sub', [x, y]);
}
export function mul(a: Like, b: Like): Tensor {
  const [x, y] = pair(a, b);
  if (scalarValue(y) === 1 && y.rank === 0) return x;
  if (scalarValue(x) === 1 && x.rank === 0) return y;
  return apply('mul', [x, y]);
}
export function div(a: Like, b: Like): Tensor {
  const [x, y] = pair(a, b);
  if (scalarValue(y) === 1 && y.rank === 0) return x;
  return apply('div', [x, y]);
}
export const maximum = (a: Like, b: Like): Tensor => apply('maximum', pair(a, b));
export const minimum = (a: Like, b: Like): Tensor => neg(maximum(neg(lift(a, b)), neg(lift(b, a))));
export const less = (a: Like, b: Like): Tensor => apply('less', pair(a, b));
export const greater = (a: Like, b: Like): Tensor => apply('less', pair(b, a));
export const equal = (a: Like, b: Like): Tensor => apply('equal', pair(a, b));
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => apply('and', [a, b]);
export const logicalNot = (a: Tensor): Tensor => apply('not', [a]);

export function where(cond: Tensor, a: Like, b: Like): Tensor {
  const [x, y] = pair(a, b);
  return apply('where', [cond, x, y]);
}

export function cast(x: Tensor, to: DType): Tensor {
  return x.dtype === to ? x : apply('cast', [x], { to });
}

/** A scalar zero of g's dtype (broadcasts wherever it is used). */
export function zerosLike(g: Tensor): Tensor {
  return scalar(0, g.dtype);
}

export const square = (x: Tensor): Tensor => mul(x, x);

// ---- reductions ----

function axesOf(x: Tensor, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return x.shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map((a) => normAxis(a, x.rank)))].sort((a, b) => a - b);
}

export function sum(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = axesOf(x, axes);
  if (ax.length === 0) return x;
  return apply('sum', [x], { axes: ax, keepdims });
}
export function max(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = axesOf(x, axes);
  if (ax.length === 0) return x;
  return apply('max', [x], { axes: ax, keepdims });
}
export function mean(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = axesOf(x, axes);
  if (ax.length === 0) return x;
  return apply('mean', [x], { axes: ax, keepdims });
}

/** x ** p for a constant p. */
export function powConst(x: Tensor, p: number): Tensor {
  if (p === 1) return x;
  return apply('pow', [x], { exponent: p });
}

/** Sums a broadcast result back to `shape` (the adjoint of broadcasting). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes), shape);
}

export function argmax(x: Tensor, axis = -1): Tensor {
  return apply('argmax', [x], { axis: normAxis(axis, x.rank) });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return apply('softmax', [x], { axis: normAxis(axis, x.rank) });
}
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return apply('logsoftmax', [x], { axis: normAxis(axis, x.rank) });
}

// ---- linear algebra ----

export const matmul = (a: Tensor, b: Tensor): Tensor => apply('matmul', [a, b]);

// ---- movement ----

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.indexOf(-1);
  let s = [...shape];
  if (free >= 0) {
    const known = shape.reduce((p, d, i) => (i === free ? p : p * d), 1);
    s[free] = x.size / known;
  }
  if (sameShape(s, x.shape)) return x;
  if (x.op === 'reshape') x = x.inputs[0]; // fold chains
  if (sameShape(s, x.shape)) return x;
  s = s.map((d) => Math.round(d));
  return apply('reshape', [x], { shape: s });
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const p = perm.map((a) => normAxis(a, x.rank));
  if (p.every((a, i) => a === i)) return x;
  // a transpose of a transpose is one transpose (or none)
  if (isOp(x, 'transpose')) {
    const inner = x.attrs.perm;
    return transpose(
      x.inputs[0],
      p.map((i) => inner[i]),
    );
  }
  // (a b)ᵀ = bᵀ aᵀ for matrices: lets onnxruntime fold both transposes into its fused matmul
  if (x.op === 'matmul' && x.rank === 2 && x.inputs[0].rank === 2 && x.inputs[1].rank === 2)
    return matmul(transpose(x.inputs[1], [1, 0]), transpose(x.inputs[0], [1, 0]));
  return apply('transpose', [x], { perm: p });
}

export function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 1] = x.rank - 2;
  perm[x.rank - 2] = x.rank - 1;
  return transpose(x, perm);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  return apply('expand', [x], { shape: [...shape] });
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + x.rank + 1 : axis;
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Per-dim [start, end) ranges, step 1. */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
  if (starts.every((s, i) => s === 0 && ends[i] === x.shape[i])) return x;
  return apply('slice', [x], { starts: [...starts], ends: [...ends] });
}

/** x[..., start:end, ...] along one axis. */
export function sliceAxis(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, x.rank);
  const s = x.shape.map((_, i) => (i === a ? (start < 0 ? start + x.shape[i] : start) : 0));
  const e = x.shape.map((d, i) => (i === a ? (end < 0 ? end + d : Math.min(end, d)) : d));
  return slice(x, s, e);
}

export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.every((b, i) => b === 0 && after[i] === 0)) return x;
  return apply('pad', [x], { before: [...before], after: [...after] });
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  check(xs.length > 0, () => 'concat of nothing');
  if (xs.length === 1) return xs[0];
  return apply('concat', xs, { axis: normAxis(axis, xs[0].rank) });
}

export function gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
  return apply('gather', [data, indices], { axis: normAxis(axis, data.rank) });
}

export function scatterAdd(indices: Tensor, updates: Tensor, shape: Shape): Tensor {
  return apply('scatterAdd', [indices, updates], { shape: [...shape] });
}

export const stopGradient = (x: Tensor): Tensor => apply('stopGradient', [x]);
