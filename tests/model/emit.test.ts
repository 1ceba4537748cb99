import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linear } from '../../src/main/model/graph/composites';
import * as O from '../../src/main/model/graph/ops';
import { emit } from '../../src/main/model/onnx/emit';
import { GraphSession, saveModel } from '../../src/main/model/runtime/session';
import { detectDevice } from '../../src/main/platform/device';

const dir = mkdtempSync(join(tmpdir(), 'searchlab-emit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ONNX emission', () => {
  const w = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i));
  const build = () => {
    const x = O.input('x', [2, 32]);
    return { y: O.exp(linear(x, O.constant(w, [64, 32], 'float32', 'proj.weight'))) };
  };
  const xv = Float32Array.from({ length: 64 }, (_, i) => (i % 7) / 10);

  it('writes large weights to an external data file that onnxruntime reads back', async () => {
    const inline = emit(build());
    const external = emit(build(), { externalThreshold: 1024, externalFileName: 'model.onnx.data' });
    expect(inline.external).toBeUndefined();
    expect(external.external?.bytes.byteLength).toBeGreaterThanOrEqual(w.byteLength);
    expect(external.bytes.byteLength).toBeLessThan(inline.bytes.byteLength - w.byteLength + 512);
    const saved = saveModel(external, join(dir, 'm', 'model.onnx'));
    expect(readFileSync(join(dir, 'm', 'model.onnx.data')).byteLength).toBe(external.external!.bytes.byteLength);
    const a = await GraphSession.create(inline, { device: 'cpu' });
    const b = await GraphSession.create(saved, { device: 'cpu' });
    const ya = (await a.run({ x: xv })).y as Float32Array;
    const yb = (await b.run({ x: xv })).y as Float32Array;
    expect(Array.from(yb)).toEqual(Array.from(ya));
    expect(ya.length).toBe(2 * 64);
  });

  it('opens a model with external data straight from memory (through a private temporary folder)', async () => {
    const external = emit(build(), { externalThreshold: 1024 });
    const s = await GraphSession.create(external, { device: 'cpu' });
    const y = (await s.run({ x: xv })).y as Float32Array;
    const inline = await GraphSession.create(emit(build()), { device: 'cpu' });
    expect(Array.from(y)).toEqual(Array.from((await inline.run({ x: xv })).y as Float32Array));
    await s.release();
    await inline.release();
  });

  it('names outputs on their producing node (no Identity) and counts ops', () => {
    const m = emit(build());
    expect(m.opCounts.Identity).toBeUndefined();
    expect(m.opCounts.MatMul).toBe(1);
    expect(m.nodeCount).toBe(Object.values(m.opCounts).reduce((s, n) => s + n, 0));
  });

  it('falls back to the CPU with a notice when CUDA cannot load', async () => {
    const s = await GraphSession.create(emit(build()), { device: 'auto' });
    if (s.device.kind === 'cpu') expect(s.device.notice).toMatch(/CUDA is not available/);
    expect(s.device.name.length).toBeGreaterThan(0);
    // the engine's device report (system.info → the UI) now says what happened
    expect(detectDevice()).toEqual({ kind: s.device.kind, name: s.device.name, notice: s.device.notice ?? null });
    const cpu = await GraphSession.create(emit(build()), { device: 'cpu' });
    expect(cpu.device).toMatchObject({ kind: 'cpu' });
    expect(cpu.device.notice).toBeUndefined();
  });
});
