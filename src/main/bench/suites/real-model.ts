// `npm run bench -- real-model`: a Qwen2.5-VL-3B-shaped random folder (published layout, bf16) on this machine:
// load time, peak RSS against the weights' bytes, prefill tokens/s, and decode tokens/s at batch 1 and 8, each
// beside the bound that reading the decoder's weights once per decode step sets at the memory bandwidth measured in
// the same run (a matrix larger than the caches streamed by onnxruntime's MatMul, so the same kernels read it).
// Opt-in (it writes a 7.5 GB folder and needs ~16 GB of memory); --quick keeps the 3B widths with fewer layers.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReporter, BenchSuite } from '../suite';

/** Peak resident set of this process so far (Linux: VmHWM), in bytes. */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

/**
 * Read bandwidth in bytes/s as a decode step sees it: ORT's MatMul of one row by a 1 GiB float32 matrix fed as an
 * input (a weight streamed once, as every decode step streams the decoder's weights); median of 5.
 */
async function readBandwidth(device: 'cpu' | 'cuda'): Promise<number> {
  const { input, matmul } = await import('../../model/graph/ops');
  const { emit } = await import('../../model/onnx/emit');
  const { GraphSession } = await import('../../model/runtime/session');
  const n = 2 ** 14;
  const session = await GraphSession.create(emit({ y: matmul(input('x', [1, n]), input('w', [n, n])) }), { device });
  const x = new Float32Array(n).fill(1);
  const w = new Float32Array(n * n).fill(0.5);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    await session.run({ x, w });
    times.push(performance.now() - t);
  }
  await session.release();
  const sorted = times.slice(1).sort((a, b) => a - b);
  return (n * n * 4) / (sorted[2] / 1000);
}

async function runOn(device: 'cpu' | 'cuda', dir: string, report: BenchReporter, quick: boolean): Promise<void> {
  const tag = `[${device}]`;
  const { loadQwen25VlFolder } = await import('../../model/families/qwen2_5_vl/folder');
  const { QwenPolicyModel } = await import('../../model/families/qwen2_5_vl/policy');
  const { multimodalPositions } = await import('../../model/families/qwen2_5_vl/positions');
  const bandwidth = await readBandwidth(device);
  report.add({
    name: `read bandwidth (1 × 16384 by 16384 × 16384 MatMul, 1 GiB) ${tag}`,
    value: bandwidth / 1e9,
    unit: 'GB/s',
  });

  const t0 = performance.now();
  const folder = loadQwen25VlFolder(dir);
  const loadMs = performance.now() - t0;
  const weightBytes = [...folder.weights.values()].reduce((n, w) => n + w.data.byteLength, 0);
  const stored = weightBytes / 2; // bf16 on disk
  // what one decode step must read: the decoder's weights and the output layer (not the vision tower, and of the
  // input embeddings only one row per token unless they are the tied output layer)
  const perStep = [...folder.weights.entries()]
    .filter(
      ([name]) =>
        !name.startsWith('visual.') && (name !== 'model.embed_tokens.weight' || folder.config.text.tie_word_embeddings),
    )
    .reduce((n, [, w]) => n + w.data.byteLength, 0);
  report.add({
    name: `load (read, check, bf16 → f32) ${tag}`,
    value: loadMs / 1000,
    unit: 's',
    notes: `${(stored / 1e9).toFixed(2)} GB of bf16 weights`,
  });
  const policy = new QwenPolicyModel(folder, { device });
  const c = folder.config;
  const prompt = (n: number, salt: number) =>
    Array.from({ length: n }, (_, i) => 1000 + ((i * 7919 + salt * 104729) % 50000));
  const seq = (ids: number[]) => ({ ids, images: [], positions: multimodalPositions(ids, [], c) });
  try {
    // prefill: one 256-token prompt (median of 3 after a warm-up)
    const T = quick ? 128 : 256;
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      await policy.runtime.prefill(seq(prompt(T, i)), 1, true);
      times.push(performance.now() - t);
    }
    const prefillMs = times.slice(1).sort((a, b) => a - b)[1];
    report.add({
      name: `first prefill, building the decoder session ${tag}`,
      value: times[0] / 1000,
      unit: 's',
      notes: 'once per model: the session serves every length and batch after it',
    });
    report.add({
      name: `prefill tokens/s (T=${T}) ${tag}`,
      value: T / (prefillMs / 1000),
      unit: 'tok/s',
      // a prompt reads the weights once for all its tokens: compute, not bandwidth, is what bounds it in practice
      reference: { name: 'bandwidth bound (weights read once per prompt)', value: (T * bandwidth) / perStep },
    });
    // decode: every row generates `steps + 1` tokens greedily; the decode steps alone are timed
    const steps = quick ? 4 : 8;
    for (const batch of [1, 8]) {
      const rows = Array.from({ length: batch }, (_, b) => seq(prompt(32, b)));
      await policy.runtime.continueBatch(rows, 3, () => 1); // warm-up
      const r = await policy.runtime.continueBatch(rows, steps + 1, () => 1);
      const tokensPerSecond = (batch * r.steps) / (r.decodeMs / 1000);
      // every decode step reads the decoder's weights and the output layer at least once
      const bound = (batch * bandwidth) / perStep;
      report.add({
        name: `decode tokens/s, batch ${batch} ${tag}`,
        value: tokensPerSecond,
        unit: 'tok/s',
        reference: { name: 'bandwidth bound (decoder + output layer read once per step)', value: bound },
        notes: `${(perStep / 1e9).toFixed(2)} GB read per step`,
      });
    }
    report.add({
      name: `peak RSS ${tag}`,
      value: peakRss() / 1e9,
      unit: 'GB',
      reference: { name: 'f32 weights', value: weightBytes / 1e9 },
      notes: `bf16 on disk ${(stored / 1e9).toFixed(2)} GB`,
    });
  } finally {
    await policy.release();
  }
}

export const realModelSuite: BenchSuite = {
  name: 'real-model',
  summary:
    'Qwen2.5-VL-3B-shaped random folder: load, peak RSS, prefill and decode tokens/s against the memory-bandwidth bound',
  onRequest: true,
  async run(report, { quick }) {
    const { writeRandomQwen25Vl } = await import('../../model/families/qwen2_5_vl/random');
    const { probeDevice } = await import('../../model');
    const dir = mkdtempSync(join(tmpdir(), 'searchlab-bench-qwen3b-'));
    try {
      const t = performance.now();
      // --quick: the 3B widths (hidden 2048, vocab 151936, vision 1280) with 4 decoder layers and 4 vision blocks
      const { bytes, config } = writeRandomQwen25Vl(dir, {
        size: '3b',
        dtype: 'bf16',
        shardBytes: 2 * 2 ** 30,
        ...(quick ? { layers: 4, visionDepth: 4 } : {}),
      });
      report.log(
        `wrote ${(bytes / 1e9).toFixed(2)} GB (${config.text.num_hidden_layers} layers) in ${((performance.now() - t) / 1000).toFixed(0)} s to ${dir}`,
      );
      await runOn('cpu', dir, report, quick);
      const gpu = await probeDevice('cuda');
      if (gpu.kind === 'cuda') await runOn('cuda', dir, report, quick);
      else report.log(`no CUDA rows: ${gpu.notice ?? 'CUDA unavailable'}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
