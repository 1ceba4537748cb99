// A minimal protobuf writer for the parts of onnx.proto that SearchLab emits (ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto, ValueInfoProto). Field numbers follow onnx/onnx.proto (proto2 syntax: repeated
// scalars are written unpacked, which every parser accepts).

/** A growable byte buffer with the protobuf wire primitives. */
class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): void {
    this.tag(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** ONNX TensorProto.DataType codes. */
export const OnnxDataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
} as const;

export interface TensorProtoSpec {
  name: string;
  dataType: number;
  dims: readonly number[];
  /** Little-endian raw bytes, embedded in the model. */
  raw?: Uint8Array;
  /** Or a reference to bytes in an external file (relative to the model file). */
  external?: { location: string; offset: number; length: number };
}

export type AttributeSpec =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'tensor'; value: TensorProtoSpec };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: readonly AttributeSpec[];
}

export interface ValueInfoSpec {
  name: string;
  dataType: number;
  /** A number is a fixed size; a string names an open dimension (dim_param). */
  dims: readonly (number | string)[];
}

export interface ModelSpec {
  graphName: string;
  nodes: readonly NodeSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  initializers: readonly TensorProtoSpec[];
  opset: number;
  irVersion: number;
  producer?: string;
}

function writeTensor(w: Writer, t: TensorProtoSpec): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.external) {
    const entries: [string, string][] = [
      ['location', t.external.location],
      ['offset', String(t.external.offset)],
      ['length', String(t.external.length)],
    ];
    for (const [key, value] of entries) {
      w.message(13, (e) => {
        e.string(1, key);
        e.string(2, value);
      });
    }
    w.int(14, 1); // DataLocation.EXTERNAL
  } else {
    w.bytes(9, t.raw ?? new Uint8Array(0));
  }
}

const AttrType = { float: 1, int: 2, string: 3, tensor: 4, ints: 7 } as const;

function writeAttribute(w: Writer, a: AttributeSpec): void {
  w.string(1, a.name);
  w.int(20, AttrType[a.kind]);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      break;
  }
}

function writeNode(w: Writer, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, (m) => writeAttribute(m, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: Writer, v: ValueInfoSpec): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.dataType);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
      });
    }),
  );
}

/** Serialises a ModelProto. */
export function encodeModel(model: ModelSpec): Uint8Array {
  const w = new Writer();
  w.int(1, model.irVersion);
  w.string(2, model.producer ?? 'searchlab');
  w.string(3, '0.1');
  w.message(7, (g) => {
    for (const n of model.nodes) g.message(1, (x) => writeNode(x, n));
    g.string(2, model.graphName);
    for (const t of model.initializers) g.message(5, (x) => writeTensor(x, t));
    for (const v of model.inputs) g.message(11, (x) => writeValueInfo(x, v));
    for (const v of model.outputs) g.message(12, (x) => writeValueInfo(x, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, model.opset);
  });
  return w.finish();
}
