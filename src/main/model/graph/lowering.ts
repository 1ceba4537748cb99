// What a primitive's ONNX lowering may do: add nodes and initializers through this context. The emitter
// (onnx/emit.ts) implements it; the primitive table writes each op's lowering against it, so the table never
// touches protobuf and the emitter never needs to know one op from another.

import type { DType, Shape, TensorData } from './tensor';

/** A node attribute. `dtype` is written as ONNX's element-type code; `tensor` as a TensorProto. */
export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'dtype'; value: DType }
  | { name: string; kind: 'tensor'; value: { dtype: DType; dims: readonly number[]; data: TensorData } };

export interface LoweringContext {
  /** Adds the node that produces the tensor being lowered; returns its output's name. */
  result(opType: string, inputs: readonly string[], attributes?: readonly OnnxAttribute[]): string;
  /** Adds a node with an intermediate output of its own; returns that output's (fresh) name. */
  temp(opType: string, inputs: readonly string[], attributes?: readonly OnnxAttribute[]): string;
  /** A 1-D int64 initializer (shapes, axes, pads), shared between nodes that need the same values. */
  ints(values: readonly number[]): string;
  /** The shape input of a Reshape from `from` to `to` (with open dimensions copied or inferred where the graph has them). */
  reshapeTarget(from: Shape, to: Shape): string;
  /** An initializer; `shared` lets equal small constants be written once. Returns its name. */
  initializer(base: string, dtype: DType, dims: readonly number[], data: TensorData, shared: boolean): string;
  /** Declares a graph input (the same name twice must agree on shape and dtype). Returns its name. */
  graphInput(name: string, shape: Shape, dtype: DType): string;
}
