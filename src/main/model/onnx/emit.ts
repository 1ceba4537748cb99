// The last step: a set of named output tensors becomes an ONNX ModelProto (opset 17). Each primitive lowers itself
// (its `lower` in the primitive table) through the context this module provides; this module knows nothing about
// gradients nor one op from another. Constants become initializers (large ones may go to an external data file),
// `input` leaves become graph inputs, and each output is named on the node that produces it (an Identity in front of
// an output would cost a copy).

import { topoSort } from '../graph/autodiff';
import type { LoweringContext, OnnxAttribute } from '../graph/lowering';
import { isOp, primitiveOf } from '../graph/primitives';
import type { DType, Tensor, TensorData } from '../graph/tensor';
import { isOpen, openName, openReshapeTarget } from '../graph/dynamic';
import {
  encodeModel,
  OnnxDataType,
  type AttributeSpec,
  type NodeSpec,
  type TensorProtoSpec,
  type ValueInfoSpec,
} from './proto';

export const OPSET = 17;
const IR_VERSION = 8;

export interface IOSpec {
  name: string;
  /** -1 where the dimension is open (the caller gives it at each run). */
  shape: number[];
  dtype: DType;
}

export interface EmitOptions {
  graphName?: string;
  /**
   * Constants of at least this many bytes go to the external data file. Default 'auto': none, unless the constants
   * add up to more than 1 GiB (protobuf caps a model at 2 GiB), then every constant of 1 MiB or more.
   */
  externalThreshold?: number | 'auto';
  /** File name of the external data, relative to the model file (default 'model.onnx.data'). */
  externalFileName?: string;
  /**
   * Leave the stand-in dimensions of graph/dynamic.ts open: named in inputs and outputs, copied or inferred by
   * reshapes, and refused anywhere else a constant would fix them.
   */
  open?: boolean;
  /**
   * Constants of at least this many bytes are not copied into the model: each is referenced as an external file of
   * its own, handed to the session from memory (`externalData`), so a weight is held by its owner and the session
   * only (a session's device copy is its own).
   */
  inMemoryThreshold?: number;
}

export interface EmittedModel {
  bytes: Uint8Array;
  inputs: IOSpec[];
  outputs: IOSpec[];
  /** Present when some constants were written externally: save it next to the model under `fileName`. */
  external?: { fileName: string; bytes: Uint8Array };
  /** With `inMemoryThreshold`: the external files the session reads from memory (views of the constants' data). */
  externalData?: { path: string; data: Uint8Array }[];
  /** Number of ONNX nodes, a proxy for per-run overhead. */
  nodeCount: number;
  /** Count per ONNX op type. */
  opCounts: Record<string, number>;
}

function bytesOf(data: TensorData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function emit(outputs: Record<string, Tensor>, options: EmitOptions = {}): EmittedModel {
  const outNames = Object.keys(outputs);
  const order = topoSort(outNames.map((n) => outputs[n]));
  const nodes: NodeSpec[] = [];
  const initializers: TensorProtoSpec[] = [];
  const inputs: IOSpec[] = [];
  const names = new Map<number, string>();
  const used = new Set<string>();
  const smallConsts = new Map<string, string>();
  const externalChunks: Uint8Array[] = [];
  let externalSize = 0;
  let threshold = options.externalThreshold ?? 'auto';
  if (threshold === 'auto') {
    const constBytes = order.reduce((n, t) => n + (isOp(t, 'const') ? t.attrs.data.byteLength : 0), 0);
    threshold = constBytes > 2 ** 30 ? 2 ** 20 : Infinity;
  }
  const externalFileName = options.externalFileName ?? 'model.onnx.data';
  const inMemory: { path: string; data: Uint8Array }[] = [];
  const declared = new Map<string, readonly number[]>();
  const open = options.open ?? false;
  const refuseOpen = (values: readonly number[], what: () => string) => {
    if (open && values.some(isOpen))
      throw new Error(`${what()} would fix an open dimension: [${values.map((v) => (isOpen(v) ? openName(v) : v))}]`);
  };
  // open dimensions: named in the model's inputs and outputs, -1 in the specs the caller reads
  const ioDims = (shape: readonly number[]) => (open ? shape.map((d) => (isOpen(d) ? openName(d) : d)) : shape);
  const specShape = (shape: readonly number[]) => (open ? shape.map((d) => (isOpen(d) ? -1 : d)) : [...shape]);

  const unique = (base: string): string => {
    let n = base;
    for (let k = 1; used.has(n); k++) n = `${base}_${k}`;
    used.add(n);
    return n;
  };

  const addInitializer = (
    base: string,
    dtype: DType,
    dims: readonly number[],
    data: TensorData,
    dedupe: boolean,
  ): string => {
    const raw = bytesOf(data);
    let key = '';
    if (dedupe && raw.byteLength <= 256) {
      key = `${dtype}|${dims.join(',')}|${Array.from(raw).join(',')}`;
      const hit = smallConsts.get(key);
      if (hit) return hit;
    }
    refuseOpen(dims, () => `constant ${base}`);
    const name = unique(base);
    if (key) smallConsts.set(key, name);
    const spec: TensorProtoSpec = { name, dataType: OnnxDataType[dtype], dims };
    if (!dedupe && options.inMemoryThreshold !== undefined && raw.byteLength >= options.inMemoryThreshold) {
      const path = `c${inMemory.length}.bin`;
      spec.external = { location: path, offset: 0, length: raw.byteLength };
      inMemory.push({ path, data: raw });
    } else if (raw.byteLength >= threshold) {
      const pad = (64 - (externalSize % 64)) % 64; // keep each tensor aligned
      if (pad) externalChunks.push(new Uint8Array(pad));
      externalSize += pad;
      spec.external = { location: externalFileName, offset: externalSize, length: raw.byteLength };
      externalChunks.push(raw.slice());
      externalSize += raw.byteLength;
    } else spec.raw = raw.slice();
    initializers.push(spec);
    return name;
  };
  const ints = (values: readonly number[]): string =>
    addInitializer('ints', 'int64', [values.length], BigInt64Array.from(values.map((v) => BigInt(v))), true);

  // output names are reserved first so that producing nodes can write to them directly
  const outputOf = new Map<number, string>();
  for (const n of outNames) used.add(n);
  for (const n of outNames) {
    let t = outputs[n];
    while (isOp(t, 'stopGradient')) t = t.inputs[0];
    if (t.inputs.length > 0 && !outputOf.has(t.id)) outputOf.set(t.id, n); // leaves keep their own names
  }
  const counts: Record<string, number> = {};
  const node = (opType: string, ins: string[], outs: string[], attributes?: AttributeSpec[]) => {
    nodes.push({ opType, inputs: ins, outputs: outs, attributes, name: `${opType}_${nodes.length}` });
    counts[opType] = (counts[opType] ?? 0) + 1;
  };

  const onnxAttribute = (a: OnnxAttribute): AttributeSpec => {
    if (a.kind === 'dtype') return { name: a.name, kind: 'int', value: OnnxDataType[a.value] };
    if (a.kind === 'tensor') {
      const { dtype, dims, data } = a.value;
      const value = { name: a.name, dataType: OnnxDataType[dtype], dims, raw: bytesOf(data) };
      return { name: a.name, kind: 'tensor', value };
    }
    return a;
  };
  const graphInput = (name: string, given: readonly number[], dtype: DType): string => {
    const shape = specShape(given);
    const prior = inputs.find((i) => i.name === name);
    if (prior) {
      if (prior.dtype !== dtype || prior.shape.join() !== shape.join())
        throw new Error(`two different graph inputs are both named ${name}`);
      return name;
    }
    if (used.has(name)) throw new Error(`graph input name ${name} is already used`);
    used.add(name);
    inputs.push({ name, shape, dtype });
    declared.set(name, given);
    return name;
  };
  const lowering = (t: Tensor): LoweringContext => ({
    result: (opType, ins, attributes) => {
      const out = outputOf.get(t.id) ?? unique(`t${t.id}_${t.op}`);
      node(opType, [...ins], [out], attributes?.map(onnxAttribute));
      return out;
    },
    temp: (opType, ins, attributes) => {
      const out = unique(`t${t.id}_${opType}`);
      node(opType, [...ins], [out], attributes?.map(onnxAttribute));
      return out;
    },
    ints: (values) => {
      refuseOpen(values, () => `${t.op} (${t})`);
      return ints(values);
    },
    reshapeTarget: (from, to) => ints(open ? openReshapeTarget(from, to) : to),
    initializer: addInitializer,
    graphInput,
  });

  for (const t of order) {
    const { entry, attrs } = primitiveOf(t);
    const ins = t.inputs.map((i) => names.get(i.id)!);
    names.set(t.id, entry.lower(lowering(t), ins, t, attrs));
  }

  // outputs that are leaves, aliases of other outputs, or pass-throughs need an Identity
  const outputSpecs: ValueInfoSpec[] = [];
  const outputs_: IOSpec[] = [];
  for (const n of outNames) {
    const t = outputs[n];
    const produced = names.get(t.id)!;
    if (produced !== n) node('Identity', [produced], [n]);
    outputSpecs.push({ name: n, dataType: OnnxDataType[t.dtype], dims: ioDims(t.shape) });
    outputs_.push({ name: n, shape: specShape(t.shape), dtype: t.dtype });
  }

  const bytes = encodeModel({
    graphName: options.graphName ?? 'searchlab',
    nodes,
    inputs: inputs.map((i) => ({ name: i.name, dataType: OnnxDataType[i.dtype], dims: ioDims(declared.get(i.name)!) })),
    outputs: outputSpecs,
    initializers,
    opset: OPSET,
    irVersion: IR_VERSION,
  });
  let external: EmittedModel['external'];
  if (externalChunks.length) {
    const buf = new Uint8Array(externalSize);
    let off = 0;
    for (const c of externalChunks) {
      buf.set(c, off);
      off += c.byteLength;
    }
    external = { fileName: externalFileName, bytes: buf };
  }
  return {
    bytes,
    inputs,
    outputs: outputs_,
    external,
    ...(inMemory.length ? { externalData: inMemory } : {}),
    nodeCount: nodes.length,
    opCounts: counts,
  };
}
