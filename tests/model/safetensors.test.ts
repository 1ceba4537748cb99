import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bf16ToF32,
  encodeSafetensors,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  loadWeights,
  parseSafetensors,
  saveWeights,
  SafetensorsError,
} from '../../src/main/model/runtime/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'searchlab-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weights = {
  'a.weight': { shape: [2, 3], data: Float32Array.from([1, -2, 0.5, 1 / 3, 1e-3, 65504]) },
  'b.bias': { shape: [2], data: Float32Array.from([0, -0]) },
};

describe('float16 and bfloat16 conversion', () => {
  it('maps known values to their IEEE bit patterns', () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(1e6)).toBe(0x7c00); // overflow to infinity
    expect(f32ToF16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie rounds to even
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToBf16(1)).toBe(0x3f80);
    expect(f32ToBf16(-3.5)).toBe(0xc060);
    expect(Number.isNaN(bf16ToF32(f32ToBf16(NaN)))).toBe(true);
  });

  it('round-trips within half-precision error', () => {
    for (const v of [0.1, -7.25, 3.14159, 1e-5, 1234.5]) {
      expect(Math.abs(f16ToF32(f32ToF16(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
      expect(Math.abs(bf16ToF32(f32ToBf16(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -8);
    }
  });
});

describe('safetensors files', () => {
  it('round-trips float32 exactly and converts F16/BF16 on load', () => {
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const path = join(dir, `w-${dtype}.safetensors`);
      saveWeights(path, weights, dtype);
      const parsed = parseSafetensors(encodeSafetensors(weights, dtype));
      expect(parsed.tensors.get('a.weight')?.dtype).toBe(dtype);
      const loaded = loadWeights([path], { expected: { 'a.weight': [2, 3], 'b.bias': [2] } });
      const a = loaded.get('a.weight')!;
      expect(a.shape).toEqual([2, 3]);
      const tol = dtype === 'F32' ? 0 : dtype === 'F16' ? 2 ** -11 : 2 ** -8;
      weights['a.weight'].data.forEach((v, i) =>
        expect(Math.abs(a.data[i] - v)).toBeLessThanOrEqual(Math.abs(v) * tol),
      );
    }
  });

  it('rejects a wrong header with a clear error', () => {
    const good = encodeSafetensors(weights);
    const bad = good.slice();
    new DataView(bad.buffer).setBigUint64(0, 10n ** 12n, true);
    expect(() => parseSafetensors(bad, 'x.safetensors')).toThrow(/x.safetensors: wrong header: declared header length/);
    const garbled = good.slice();
    garbled[9] = 0x7b; // '{' where a '"' was
    expect(() => parseSafetensors(garbled, 'x.safetensors')).toThrow(/wrong header: not valid JSON/);
    expect(() => parseSafetensors(new Uint8Array(4))).toThrow(/shorter than the 8-byte header/);
    const truncated = good.slice(0, good.length - 4);
    expect(() => parseSafetensors(truncated, 't.safetensors')).toThrow(/tensor b\.bias: data_offsets .* outside/);
  });

  it('names the missing tensor and the mismatched shape, and loads nothing', () => {
    const path = join(dir, 'partial.safetensors');
    saveWeights(path, weights);
    expect(() => loadWeights([path], { expected: { 'a.weight': [2, 3], 'c.weight': [4] } })).toThrow(
      /missing tensor c\.weight/,
    );
    let err: unknown;
    let result: unknown;
    try {
      result = loadWeights([path], { expected: { 'a.weight': [3, 2], 'b.bias': [2] } });
    } catch (e) {
      err = e;
    }
    expect(result).toBeUndefined();
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toMatch(/tensor a\.weight has shape \[2, 3\] but config\.json implies \[3, 2\]/);
  });

  it('refuses a tensor whose byte size disagrees with its dtype and shape', () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } });
    const buf = new Uint8Array(8 + header.length + 8);
    new DataView(buf.buffer).setBigUint64(0, BigInt(header.length), true);
    buf.set(new TextEncoder().encode(header), 8);
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, buf);
    expect(() => loadWeights([path])).toThrow(/bad.safetensors: tensor w: 8 bytes stored but F32\[3\] needs 12/);
  });
});
