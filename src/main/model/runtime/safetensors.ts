// safetensors read/write. Float weights are held in memory as Float32Array whatever their stored dtype (F32, F16,
// BF16 and F64 convert on read; F32, F16 or BF16 on write). Loading validates everything before returning
// anything: a wrong header, a missing tensor or a shape that disagrees with what the config implies is an error
// naming the file and the tensor, and nothing is half-loaded.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type StoredDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<StoredDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export interface RawEntry {
  dtype: StoredDType;
  shape: number[];
  /** The tensor's bytes (a view into the file). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, RawEntry>;
  metadata: Record<string, string>;
}

/** A float weight in memory. */
export interface Weight {
  shape: number[];
  data: Float32Array;
}
export type WeightMap = Map<string, Weight>;

// ---- float16 / bfloat16 conversion ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function f16ToF32(half: number): number {
  const s = half & 0x8000 ? -1 : 1;
  const e = (half >> 10) & 0x1f;
  const m = half & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Round-to-nearest-even float32 → float16 bits. */
export function f32ToF16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half; // a carry into the exponent is the correct rounding (up to Infinity)
}

export function bf16ToF32(bfloat: number): number {
  u32[0] = bfloat << 16;
  return f32[0];
}

export function f32ToBf16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff; // keep NaN a NaN
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

// ---- reading ----

/** Parses and validates a safetensors buffer. `file` names it in errors. */
export function parseSafetensors(buf: Uint8Array, file = 'safetensors'): SafetensorsFile {
  if (buf.byteLength < 8)
    throw new SafetensorsError(
      `${file}: wrong header: file is ${buf.byteLength} bytes, shorter than the 8-byte header length`,
    );
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen < 2 || headerLen > buf.byteLength - 8 || headerLen > 100_000_000)
    throw new SafetensorsError(
      `${file}: wrong header: declared header length ${headerLen} does not fit a ${buf.byteLength}-byte file`,
    );
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new SafetensorsError(`${file}: wrong header: not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new SafetensorsError(`${file}: wrong header: not a JSON object`);
  const dataStart = 8 + headerLen;
  const dataLen = buf.byteLength - dataStart;
  const tensors = new Map<string, RawEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `${file}: tensor ${name}`;
    if (typeof e !== 'object' || e === null) throw new SafetensorsError(`${where}: header entry is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in BYTES))
      throw new SafetensorsError(`${where}: unsupported dtype ${String(e.dtype)}`);
    const dtype = e.dtype as StoredDType;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new SafetensorsError(`${where}: shape ${JSON.stringify(e.shape)} is not a list of non-negative integers`);
    const shape = e.shape as number[];
    if (
      !Array.isArray(e.data_offsets) ||
      e.data_offsets.length !== 2 ||
      !e.data_offsets.every((d) => Number.isInteger(d) && d >= 0)
    )
      throw new SafetensorsError(`${where}: data_offsets ${JSON.stringify(e.data_offsets)} is not [begin, end]`);
    const [begin, end] = e.data_offsets as number[];
    const expected = shape.reduce((p, d) => p * d, 1) * BYTES[dtype];
    if (end < begin || end > dataLen)
      throw new SafetensorsError(
        `${where}: data_offsets [${begin}, ${end}] fall outside the ${dataLen}-byte data section (truncated file?)`,
      );
    if (end - begin !== expected)
      throw new SafetensorsError(
        `${where}: ${end - begin} bytes stored but ${dtype}[${shape.join(', ')}] needs ${expected}`,
      );
    tensors.set(name, { dtype, shape, bytes: buf.subarray(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata };
}

/** A float tensor's values as Float32Array, converting from its stored dtype. */
export function toFloat32(entry: RawEntry, name = 'tensor', file?: string): Float32Array {
  const n = entry.shape.reduce((p, d) => p * d, 1);
  const b = entry.bytes;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
      break;
    case 'BF16':
      if (b.byteOffset % 2 === 0) {
        // bf16 is the top half of a float32: widen the bits directly (a 3B checkpoint has billions of values;
        // typed arrays use the host's byte order, little-endian like the files on every platform SearchLab runs on)
        const src = new Uint16Array(b.buffer, b.byteOffset, n);
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) bits[i] = src[i] << 16;
      } else for (let i = 0; i < n; i++) out[i] = bf16ToF32(dv.getUint16(i * 2, true));
      break;
    default:
      throw new SafetensorsError(
        `${file ? `${file}: ` : ''}tensor ${name}: dtype ${entry.dtype} is not a float type (BF16, F16 or F32 expected)`,
      );
  }
  return out;
}

export interface LoadOptions {
  /** name → shape the config implies; every one must be present with exactly this shape. */
  expected?: Record<string, readonly number[]>;
  /** Refuse tensors that `expected` does not list (default: ignore them). */
  rejectUnexpected?: boolean;
  /** Maps a stored name to the name the model uses (e.g. a newer library's prefixes back to the published ones). */
  rename?: (stored: string) => string;
}

/** Files of a model folder: model.safetensors, or the shards listed in model.safetensors.index.json. */
export function safetensorsFiles(dir: string): string[] {
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map;
    if (!map) throw new SafetensorsError(`${index}: no weight_map`);
    return [...new Set(Object.values(map))].map((f) => join(dir, f));
  }
  const single = join(dir, 'model.safetensors');
  if (!existsSync(single)) throw new SafetensorsError(`${dir}: no model.safetensors or model.safetensors.index.json`);
  return [single];
}

/**
 * Loads float weights from one or more safetensors files, all-or-nothing. Each file is converted as it is read and
 * its bytes dropped, so peak memory is the float32 weights plus one file, not every file at once.
 */
export function loadWeights(files: readonly string[], options: LoadOptions = {}): WeightMap {
  const expected = options.expected;
  const out: WeightMap = new Map();
  const fileOf = new Map<string, string>();
  const wrongShape = new Map<string, readonly number[]>();
  for (const file of files) {
    const parsed = parseSafetensors(new Uint8Array(readFileSync(file)), basename(file));
    for (const [stored, entry] of parsed.tensors) {
      const name = options.rename ? options.rename(stored) : stored;
      if (fileOf.has(name))
        throw new SafetensorsError(`tensor ${name} appears in both ${fileOf.get(name)} and ${basename(file)}`);
      fileOf.set(name, basename(file));
      if (expected && !(name in expected)) {
        if (options.rejectUnexpected)
          throw new SafetensorsError(`unexpected tensor ${name} (not part of this model's config)`);
        continue;
      }
      const shape = expected?.[name];
      if (shape && (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])))
        wrongShape.set(name, entry.shape);
      else out.set(name, { shape: [...entry.shape], data: toFloat32(entry, name, basename(file)) });
    }
  }
  if (expected) {
    // reported in the config's order: a missing tensor first, then the first of a wrong shape
    const missing = Object.keys(expected).filter((n) => !fileOf.has(n));
    if (missing.length)
      throw new SafetensorsError(
        `missing tensor ${missing[0]}` +
          (missing.length > 1
            ? ` (and ${missing.length - 1} more: ${missing.slice(1, 4).join(', ')}${missing.length > 4 ? ', …' : ''})`
            : '') +
          ` in ${files.map((f) => basename(f)).join(', ')}`,
      );
    for (const [name, shape] of Object.entries(expected)) {
      const got = wrongShape.get(name);
      if (got)
        throw new SafetensorsError(
          `${fileOf.get(name)}: tensor ${name} has shape [${got.join(', ')}] but config.json implies [${shape.join(', ')}]`,
        );
    }
  }
  return out;
}

// ---- writing ----

export function encodeSafetensors(
  weights: WeightMap | Record<string, Weight>,
  dtype: 'F32' | 'F16' | 'BF16' = 'F32',
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = weights instanceof Map ? [...weights.entries()] : Object.entries(weights);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const size = BYTES[dtype];
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadata } };
  let offset = 0;
  for (const [name, w] of entries) {
    const n = w.shape.reduce((p, d) => p * d, 1);
    if (n !== w.data.length)
      throw new SafetensorsError(`tensor ${name}: ${w.data.length} values for shape [${w.shape}]`);
    header[name] = { dtype, shape: w.shape, data_offsets: [offset, offset + n * size] };
    offset += n * size;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.length;
  for (const [, w] of entries) {
    const d = w.data;
    if (dtype === 'F32') for (let i = 0; i < d.length; i++, p += 4) dv.setFloat32(p, d[i], true);
    else if (dtype === 'F16') for (let i = 0; i < d.length; i++, p += 2) dv.setUint16(p, f32ToF16(d[i]), true);
    else for (let i = 0; i < d.length; i++, p += 2) dv.setUint16(p, f32ToBf16(d[i]), true);
  }
  return out;
}

export function saveWeights(
  path: string,
  weights: WeightMap | Record<string, Weight>,
  dtype: 'F32' | 'F16' | 'BF16' = 'F32',
  metadata?: Record<string, string>,
): void {
  writeFileSync(path, encodeSafetensors(weights, dtype, metadata));
}
