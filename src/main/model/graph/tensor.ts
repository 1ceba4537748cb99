// Symbolic tensors: a node of the graph, with its static shape and element type. A graph is whatever is reachable
// from the tensors you ask for; there is no global graph object. Leaves are named inputs and constants.
// A tensor's op is one of the primitive table's names and its attributes are that op's: `apply` (ops.ts), the only
// maker of tensors, checks both against the table at compile time, and `isOp` / `primitiveOf` (primitives.ts) give
// them back typed. The class itself stays untyped in the op so that the table can refer to it without a cycle.

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';
export type Shape = readonly number[];
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

let nextId = 0;

/** Attributes as stored on a tensor; read them typed through `isOp` or `primitiveOf`. */
export type StoredAttrs = Readonly<Record<string, unknown>>;

export class Tensor {
  /** Creation order: every tensor's inputs have smaller ids, so sorting by id is a topological order. */
  readonly id = nextId++;

  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly shape: Shape,
    readonly dtype: DType,
    readonly attrs: StoredAttrs,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  toString(): string {
    return `${this.op}#${this.id}[${this.shape.join(',')}]:${this.dtype}`;
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function sameShape(left: Shape, right: Shape): boolean {
  return left.length === right.length && left.every((d, i) => d === right[i]);
}

export function allocData(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int64':
      return new BigInt64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Typed-array data of the given dtype from plain numbers. */
export function toData(dtype: DType, values: ArrayLike<number>): TensorData {
  const out = allocData(dtype, values.length);
  if (out instanceof BigInt64Array) for (let i = 0; i < values.length; i++) out[i] = BigInt(Math.trunc(values[i]));
  else for (let i = 0; i < values.length; i++) (out as Float32Array)[i] = values[i];
  return out;
}

export function dtypeOfData(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

export class ShapeError extends Error {}

export function check(cond: boolean, message: () => string): asserts cond {
  if (!cond) throw new ShapeError(message());
}
