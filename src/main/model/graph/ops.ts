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

export const neg = (tensor: Tensor): Tensor => apply('neg', [tensor]);
export const exp = (tensor: Tensor): Tensor => apply('exp', [tensor]);
export const log = (tensor: Tensor): Tensor => apply('log', [tensor]);
export const sqrt = (tensor: Tensor): Tensor => apply('sqrt', [tensor]);
export const recip = (tensor: Tensor): Tensor => apply('recip', [tensor]);
export const tanh = (tensor: Tensor): Tensor => apply('tanh', [tensor]);
export const sigmoid = (tensor: Tensor): Tensor => apply('sigmoid', [tensor]);
export const erf = (tensor: Tensor): Tensor => apply('erf', [tensor]);

export function add(left: Like, right: Like): Tensor {
  const [x, y] = pair(left, right);
  if (scalarValue(y) === 0 && y.rank === 0) return x;
  if (scalarValue(x) === 0 && x.rank === 0) return y;
  return apply('add', [x, y]);
}
export function sub(left: Like, right: Like): Tensor {
  const [x, y] = pair(left, right);
  if (scalarValue(y) === 0 && y.rank === 0) return x;
  return apply('sub', [x, y]);
}
export function mul(left: Like, right: Like): Tensor {
  const [x, y] = pair(left, right);
  if (scalarValue(y) === 1 && y.rank === 0) return x;
  if (scalarValue(x) === 1 && x.rank === 0) return y;
  return apply('mul', [x, y]);
}
export function div(left: Like, right: Like): Tensor {
  const [x, y] = pair(left, right);
  if (scalarValue(y) === 1 && y.rank === 0) return x;
  return apply('div', [x, y]);
}
export const maximum = (left: Like, right: Like): Tensor => apply('maximum', pair(left, right));
export const minimum = (left: Like, right: Like): Tensor =>
  neg(maximum(neg(lift(left, right)), neg(lift(right, left))));
export const less = (left: Like, right: Like): Tensor => apply('less', pair(left, right));
export const greater = (left: Like, right: Like): Tensor => apply('less', pair(right, left));
export const equal = (left: Like, right: Like): Tensor => apply('equal', pair(left, right));
export const logicalAnd = (left: Tensor, right: Tensor): Tensor => apply('and', [left, right]);
export const logicalNot = (tensor: Tensor): Tensor => apply('not', [tensor]);

export function where(cond: Tensor, whenTrue: Like, whenFalse: Like): Tensor {
  const [x, y] = pair(whenTrue, whenFalse);
  return apply('where', [cond, x, y]);
}

export function cast(tensor: Tensor, to: DType): Tensor {
  return tensor.dtype === to ? tensor : apply('cast', [tensor], { to });
}

/** A scalar zero of the tensor's dtype (broadcasts wherever it is used). */
export function zerosLike(tensor: Tensor): Tensor {
  return scalar(0, tensor.dtype);
}

export const square = (tensor: Tensor): Tensor => mul(tensor, tensor);

// ---- reductions ----

function axesOf(x: Tensor, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return x.shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map((a) => normAxis(a, x.rank)))].sort((a, b) => a - b);
}

export function sum(tensor: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = axesOf(tensor, axes);
  if (ax.length === 0) return tensor;
  return apply('sum', [tensor], { axes: ax, keepdims });
}
export function max(tensor: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = axesOf(tensor, axes);
  if (ax.length === 0) return tensor;
  return apply('max', [tensor], { axes: ax, keepdims });
}
export function mean(tensor: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = axesOf(tensor, axes);
  if (ax.length === 0) return tensor;
  return apply('mean', [tensor], { axes: ax, keepdims });
}

/** tensor ** exponent for a constant exponent. */
export function powConst(tensor: Tensor, exponent: number): Tensor {
  if (exponent === 1) return tensor;
  return apply('pow', [tensor], { exponent: exponent });
}

/** Sums a broadcast result back to `shape` (the adjoint of broadcasting). */
export function sumTo(tensor: Tensor, shape: Shape): Tensor {
  if (sameShape(tensor.shape, shape)) return tensor;
  const lead = tensor.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < tensor.rank; i++) if (i < lead || (shape[i - lead] === 1 && tensor.shape[i] !== 1)) axes.push(i);
  return reshape(sum(tensor, axes), shape);
}

export function argmax(tensor: Tensor, axis = -1): Tensor {
  return apply('argmax', [tensor], { axis: normAxis(axis, tensor.rank) });
}

export function softmax(tensor: Tensor, axis = -1): Tensor {
  return apply('softmax', [tensor], { axis: normAxis(axis, tensor.rank) });
}
export function logSoftmax(tensor: Tensor, axis = -1): Tensor {
  return apply('logsoftmax', [tensor], { axis: normAxis(axis, tensor.rank) });
}

// ---- linear algebra ----

export const matmul = (left: Tensor, right: Tensor): Tensor => apply('matmul', [left, right]);

// ---- movement ----

export function reshape(tensor: Tensor, shape: readonly number[]): Tensor {
  const free = shape.indexOf(-1);
  let s = [...shape];
  if (free >= 0) {
    const known = shape.reduce((p, d, i) => (i === free ? p : p * d), 1);
    s[free] = tensor.size / known;
  }
  if (sameShape(s, tensor.shape)) return tensor;
  if (tensor.op === 'reshape') tensor = tensor.inputs[0]; // fold chains
  if (sameShape(s, tensor.shape)) return tensor;
  s = s.map((d) => Math.round(d));
  return apply('reshape', [tensor], { shape: s });
}

export function transpose(tensor: Tensor, perm: readonly number[]): Tensor {
  const p = perm.map((a) => normAxis(a, tensor.rank));
  if (p.every((a, i) => a === i)) return tensor;
  // a transpose of a transpose is one transpose (or none)
  if (isOp(tensor, 'transpose')) {
    const inner = tensor.attrs.perm;
    return transpose(
      tensor.inputs[0],
      p.map((i) => inner[i]),
    );
  }
  // (a b)ᵀ = bᵀ aᵀ for matrices: lets onnxruntime fold both transposes into its fused matmul
  if (tensor.op === 'matmul' && tensor.rank === 2 && tensor.inputs[0].rank === 2 && tensor.inputs[1].rank === 2)
    return matmul(transpose(tensor.inputs[1], [1, 0]), transpose(tensor.inputs[0], [1, 0]));
  return apply('transpose', [tensor], { perm: p });
}

export function swapLast(tensor: Tensor): Tensor {
  const perm = tensor.shape.map((_, i) => i);
  perm[tensor.rank - 1] = tensor.rank - 2;
  perm[tensor.rank - 2] = tensor.rank - 1;
  return transpose(tensor, perm);
}

export function expand(tensor: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(tensor.shape, shape)) return tensor;
  return apply('expand', [tensor], { shape: [...shape] });
}

export function unsqueeze(tensor: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + tensor.rank + 1 : axis;
  const s = [...tensor.shape];
  s.splice(a, 0, 1);
  return reshape(tensor, s);
}

/** Per-dim [start, end) ranges, step 1. */
export function slice(tensor: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
  if (starts.every((s, i) => s === 0 && ends[i] === tensor.shape[i])) return tensor;
  return apply('slice', [tensor], { starts: [...starts], ends: [...ends] });
}

/** tensor[..., start:end, ...] along one axis. */
export function sliceAxis(tensor: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, tensor.rank);
  const s = tensor.shape.map((_, i) => (i === a ? (start < 0 ? start + tensor.shape[i] : start) : 0));
  const e = tensor.shape.map((d, i) => (i === a ? (end < 0 ? end + d : Math.min(end, d)) : d));
  return slice(tensor, s, e);
}

export function pad(tensor: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.every((b, i) => b === 0 && after[i] === 0)) return tensor;
  return apply('pad', [tensor], { before: [...before], after: [...after] });
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

export const stopGradient = (tensor: Tensor): Tensor => apply('stopGradient', [tensor]);
