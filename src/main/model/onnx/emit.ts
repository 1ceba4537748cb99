// The last step: a set of named output tensors becomes an ONNX ModelProto (opset 17). This module knows the
// primitives only as ONNX ops; it knows nothing about gradients. Constants become initializers (large ones may go
// to an external data file), `input` leaves become graph inputs, and each output is named on the node that
// produces it (an Identity in front of an output would cost a copy).

import { topoSort } from '../graph/autodiff';
import type { DType, Tensor, TensorData } from '../graph/tensor';
import { encodeModel, OnnxDataType, type AttributeSpec, type NodeSpec, type TensorProtoSpec, type ValueInfoSpec } from './proto';

export const OPSET = 17;
const IR_VERSION = 8;

export interface IOSpec {
  name: string;
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
}

export interface EmittedModel {
  bytes: Uint8Array;
  inputs: IOSpec[];
  outputs: IOSpec[];
  /** Present when some constants were written externally: save it next to the model under `fileName`. */
  external?: { fileName: string; bytes: Uint8Array };
  /** Number of ONNX nodes, a proxy for per-run overhead. */
  nodeCount: number;
  /** Count per ONNX op type. */
  opCounts: Record<string, number>;
}

const UNARY: Record<string, string> = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  recip: 'Reciprocal',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  erf: 'Erf',
  not: 'Not',
  add: 'Add',
  sub: 'Sub',
  mul: 'Mul',
  div: 'Div',
  maximum: 'Max',
  less: 'Less',
  equal: 'Equal',
  and: 'And',
  where: 'Where',
  matmul: 'MatMul',
};

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
    const constBytes = order.reduce((n, t) => n + (t.op === 'const' ? (t.attrs.data as TensorData).byteLength : 0), 0);
    threshold = constBytes > 2 ** 30 ? 2 ** 20 : Infinity;
  }
  const externalFileName = options.externalFileName ?? 'model.onnx.data';

  const unique = (base: string): string => {
    let n = base;
    for (let k = 1; used.has(n); k++) n = `${base}_${k}`;
    used.add(n);
    return n;
  };

  const addInitializer = (base: string, dtype: DType, dims: readonly number[], data: TensorData, dedupe: boolean): string => {
    const raw = bytesOf(data);
    let key = '';
    if (dedupe && raw.byteLength <= 256) {
      key = `${dtype}|${dims.join(',')}|${Array.from(raw).join(',')}`;
      const hit = smallConsts.get(key);
      if (hit) return hit;
    }
    const name = unique(base);
    if (key) smallConsts.set(key, name);
    const spec: TensorProtoSpec = { name, dataType: OnnxDataType[dtype], dims };
    if (raw.byteLength >= threshold) {
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
    while (t.op === 'stopGradient') t = t.inputs[0];
    if (t.op !== 'input' && t.op !== 'const' && !outputOf.has(t.id)) outputOf.set(t.id, n);
  }
  const counts: Record<string, number> = {};
  const node = (opType: string, ins: string[], outs: string[], attributes?: AttributeSpec[]) => {
    nodes.push({ opType, inputs: ins, outputs: outs, attributes, name: `${opType}_${nodes.length}` });
    counts[opType] = (counts[opType] ?? 0) + 1;
  };

  for (const t of order) {
    const a = t.attrs;
    if (t.op === 'input') {
      const name = a.name as string;
      const prior = inputs.find((i) => i.name === name);
      if (prior) {
        if (prior.dtype !== t.dtype || prior.shape.join() !== t.shape.join())
          throw new Error(`two different graph inputs are both named ${name}`);
      } else {
        if (used.has(name)) throw new Error(`graph input name ${name} is already used`);
        used.add(name);
        inputs.push({ name, shape: [...t.shape], dtype: t.dtype });
      }
      names.set(t.id, name);
      continue;
    }
    if (t.op === 'const') {
      const named = a.name as string | undefined;
      names.set(t.id, addInitializer(named ?? 'c', t.dtype, t.shape, a.data as TensorData, !named));
      continue;
    }
    const ins = t.inputs.map((i) => names.get(i.id)!);
    if (t.op === 'stopGradient') {
      names.set(t.id, ins[0]);
      continue;
    }
    const out = outputOf.get(t.id) ?? unique(`t${t.id}_${t.op}`);
    names.set(t.id, out);
    const o = [out];
    switch (t.op) {
      case 'cast':
        node('Cast', ins, o, [{ name: 'to', kind: 'int', value: OnnxDataType[a.to as DType] }]);
        break;
      case 'sum':
        node('ReduceSum', [ins[0], ints(a.axes as number[])], o, [{ name: 'keepdims', kind: 'int', value: a.keepdims ? 1 : 0 }]);
        break;
      case 'mean':
        node('ReduceMean', ins, o, [
          { name: 'axes', kind: 'ints', value: a.axes as number[] },
          { name: 'keepdims', kind: 'int', value: a.keepdims ? 1 : 0 },
        ]);
        break;
      case 'pow': {
        const exponent = addInitializer('exponent', t.dtype, [], t.dtype === 'float64' ? Float64Array.of(a.exponent as number) : Float32Array.of(a.exponent as number), true);
        node('Pow', [ins[0], exponent], o);
        break;
      }
      case 'max':
        node('ReduceMax', ins, o, [
          { name: 'axes', kind: 'ints', value: a.axes as number[] },
          { name: 'keepdims', kind: 'int', value: a.keepdims ? 1 : 0 },
        ]);
        break;
      case 'argmax':
        node('ArgMax', ins, o, [
          { name: 'axis', kind: 'int', value: a.axis as number },
          { name: 'keepdims', kind: 'int', value: 0 },
        ]);
        break;
      case 'softmax':
      case 'logsoftmax':
        node(t.op === 'softmax' ? 'Softmax' : 'LogSoftmax', ins, o, [{ name: 'axis', kind: 'int', value: a.axis as number }]);
        break;
      case 'reshape':
        node('Reshape', [ins[0], ints(t.shape)], o);
        break;
      case 'expand':
        node('Expand', [ins[0], ints(t.shape)], o);
        break;
      case 'transpose':
        node('Transpose', ins, o, [{ name: 'perm', kind: 'ints', value: a.perm as number[] }]);
        break;
      case 'slice': {
        const starts = a.starts as number[];
        const ends = a.ends as number[];
        const x = t.inputs[0];
        const axes = starts.map((_, i) => i).filter((i) => starts[i] !== 0 || ends[i] !== x.shape[i]);
        node('Slice', [ins[0], ints(axes.map((i) => starts[i])), ints(axes.map((i) => ends[i])), ints(axes)], o);
        break;
      }
      case 'pad': {
        const zero = addInitializer('zero', t.dtype, [], zeroData(t.dtype), true);
        node('Pad', [ins[0], ints([...(a.before as number[]), ...(a.after as number[])]), zero], o);
        break;
      }
      case 'concat':
        node('Concat', ins, o, [{ name: 'axis', kind: 'int', value: a.axis as number }]);
        break;
      case 'gather':
        node('Gather', ins, o, [{ name: 'axis', kind: 'int', value: a.axis as number }]);
        break;
      case 'scatterAdd': {
        const [idx, upd] = t.inputs;
        let idxName = ins[0];
        if (idx.dtype !== 'int64') {
          idxName = unique(`t${t.id}_idx64`);
          node('Cast', [ins[0]], [idxName], [{ name: 'to', kind: 'int', value: OnnxDataType.int64 }]);
        }
        const idxCol = unique(`t${t.id}_idxcol`);
        node('Reshape', [idxName, ints([...idx.shape, 1])], [idxCol]);
        const zeros = unique(`t${t.id}_zeros`);
        node('ConstantOfShape', [ints(t.shape)], [zeros], [
          {
            name: 'value',
            kind: 'tensor',
            value: { name: 'value', dataType: OnnxDataType[upd.dtype], dims: [1], raw: bytesOf(zeroData(upd.dtype, 1)) },
          },
        ]);
        node('ScatterND', [zeros, idxCol, ins[1]], o, [{ name: 'reduction', kind: 'string', value: 'add' }]);
        break;
      }
      default: {
        const opType = UNARY[t.op];
        if (!opType) throw new Error(`emit: no ONNX lowering for primitive ${t.op}`);
        node(opType, ins, o);
      }
    }
  }

  // outputs that are leaves, aliases of other outputs, or pass-throughs need an Identity
  const outputSpecs: ValueInfoSpec[] = [];
  const outputs_: IOSpec[] = [];
  for (const n of outNames) {
    const t = outputs[n];
    const produced = names.get(t.id)!;
    if (produced !== n) node('Identity', [produced], [n]);
    outputSpecs.push({ name: n, dataType: OnnxDataType[t.dtype], dims: t.shape });
    outputs_.push({ name: n, shape: [...t.shape], dtype: t.dtype });
  }

  const bytes = encodeModel({
    graphName: options.graphName ?? 'searchlab',
    nodes,
    inputs: inputs.map((i) => ({ name: i.name, dataType: OnnxDataType[i.dtype], dims: i.shape })),
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
  return { bytes, inputs, outputs: outputs_, external, nodeCount: nodes.length, opCounts: counts };
}

function zeroData(dtype: DType, n = 1): TensorData {
  switch (dtype) {
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
    default:
      return new Float32Array(n);
  }
}
