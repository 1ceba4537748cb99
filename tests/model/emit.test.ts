import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linear } from '../../src/main/model/graph/composites';
import * as O from '../../src/main/model/graph/ops';
import { emit } from '../../src/main/model/onnx/emit';
import { OPEN } from '../../src/main/model/graph/dynamic';
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

  it('leaves stand-in sizes open: one session runs every batch and length, with weights handed over from memory', async () => {
    const [B, T] = [OPEN.batch, OPEN.tokens];
    const x = O.input('x', [B, T, 32]);
    const heads = O.transpose(
      O.reshape(linear(x, O.constant(w, [64, 32], 'float32', 'proj.weight')), [B, T, 4, 16]),
      [0, 2, 1, 3],
    );
    const model = emit({ y: O.reshape(heads, [B, 2, 2 * T, 16]) }, { open: true, inMemoryThreshold: 1024 });
    expect(model.inputs).toEqual([{ name: 'x', shape: [-1, -1, 32], dtype: 'float32' }]);
    expect(model.outputs[0].shape).toEqual([-1, 2, -1, 16]);
    expect(model.externalData?.map((f) => f.data.byteLength)).toEqual([w.byteLength]);
    const s = await GraphSession.create(model, { device: 'cpu' });
    for (const [b, t] of [
      [1, 3],
      [3, 2],
    ]) {
      const xs = Float32Array.from({ length: b * t * 32 }, (_, i) => ((i * 7) % 11) / 10);
      const fixed = emit({
        y: O.transpose(
          O.reshape(linear(O.input('x', [b, t, 32]), O.constant(w, [64, 32])), [b, t, 4, 16]),
          [0, 2, 1, 3],
        ),
      });
      const want = (await (await GraphSession.create(fixed, { device: 'cpu' })).run({ x: xs })).y as Float32Array;
      const got = (await s.run({ x: xs }, undefined, { x: [b, t, 32] })).y as Float32Array;
      expect(Array.from(got)).toEqual(Array.from(want));
    }
    await expect(s.run({ x: new Float32Array(32) }, undefined, { x: [1, 1, 16] })).rejects.toThrow(
      'input x: shape [1,1,16] does not fit [-1,-1,32]',
    );
    await s.release();
  });

  it('refuses a constant that would fix an open size, naming the op and the size', () => {
    const x = O.input('x', [OPEN.batch, 8]);
    expect(() => emit({ y: O.expand(O.constant([1], [1, 1]), x.shape) }, { open: true })).toThrow(
      /expand .* would fix an open dimension: \[batch,8\]/,
    );
    const y = O.input('y', [OPEN.batch, OPEN.tokens]);
    expect(() => emit({ z: O.reshape(y, [OPEN.tokens, OPEN.batch]) }, { open: true })).toThrow(
      'cannot reshape [batch,tokens] to [tokens,batch] with more than one open dimension to infer',
    );
    // a flattening leaves one open size to infer, which a Reshape can
    expect(emit({ z: O.reshape(y, [OPEN.batch * OPEN.tokens]) }, { open: true }).outputs[0].shape).toEqual([-1]);
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
