// An independent Qwen2.5-VL forward in plain float64 loops, written from the published modelling code's algorithm
// and apart from SearchLab's graph code: the vision tower reorders patches into windows and attends within
// cumulative sequence lengths (as the reference does), rather than using masks; the decoder recomputes the whole
// sequence for every generated token (no KV cache); positions follow get_rope_index's procedure.

import type { WeightMap } from '../../../src/main/model/runtime/safetensors';
import type { Qwen25VlConfig } from '../../../src/main/model/families/qwen2_5_vl/config';

type Mat = { rows: number; cols: number; d: Float64Array<ArrayBufferLike> };

const mat = (rows: number, cols: number, d: Float64Array<ArrayBufferLike> = new Float64Array(rows * cols)): Mat => ({
  rows,
  cols,
  d,
});

function weight(W: WeightMap, name: string): Float64Array {
  const w = W.get(name);
  if (!w) throw new Error(`reference: no weight ${name}`);
  return Float64Array.from(w.data);
}

/** x [n, in] · Wᵀ (W [out, in]) + b */
function linear(x: Mat, w: Float64Array, out: number, b?: Float64Array): Mat {
  const y = mat(x.rows, out);
  for (let i = 0; i < x.rows; i++)
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let k = 0; k < x.cols; k++) s += x.d[i * x.cols + k] * w[o * x.cols + k];
      y.d[i * out + o] = s;
    }
  return y;
}

function rmsNorm(x: Mat, w: Float64Array, eps: number): Mat {
  const y = mat(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    let ms = 0;
    for (let k = 0; k < x.cols; k++) ms += x.d[i * x.cols + k] ** 2;
    const r = 1 / Math.sqrt(ms / x.cols + eps);
    for (let k = 0; k < x.cols; k++) y.d[i * x.cols + k] = x.d[i * x.cols + k] * r * w[k];
  }
  return y;
}

const silu = (v: number) => v / (1 + Math.exp(-v));

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for float64 references: use a series / continued fraction pair
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = ax;
    let term = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc continued fraction (Lentz)
  let f = ax;
  let C = ax;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = ax + an * D;
    D = 1 / D;
    C = ax + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const add = (a: Mat, b: Mat): Mat =>
  mat(
    a.rows,
    a.cols,
    a.d.map((v, i) => v + b.d[i]),
  );

function rotateHalfApply(x: Float64Array, cos: Float64Array, sin: Float64Array): Float64Array {
  const n = x.length;
  const h = n / 2;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = x[j] * cos[j] + (j < h ? -x[j + h] : x[j - h]) * sin[j];
  return out;
}

/** softmax(q·kᵀ/√d)·v for one head over the given query rows and key rows. */
function attend(
  q: Float64Array[],
  k: Float64Array[],
  v: Float64Array[],
  allowed: (i: number, j: number) => boolean,
): Float64Array[] {
  const d = q[0].length;
  return q.map((qi, i) => {
    const scores = k.map((kj, j) =>
      allowed(i, j) ? qi.reduce((s, x, t) => s + x * kj[t], 0) / Math.sqrt(d) : -Infinity,
    );
    const mx = Math.max(...scores);
    const e = scores.map((s) => (s === -Infinity ? 0 : Math.exp(s - mx)));
    const z = e.reduce((a, b) => a + b, 0);
    const out = new Float64Array(d);
    e.forEach((w, j) => {
      for (let t = 0; t < d; t++) out[t] += (w / z) * v[j][t];
    });
    return out;
  });
}

// ---- vision tower, the reference's way: window index permutation and cumulative sequence lengths ----

function windowIndex(grids: number[][], c: Qwen25VlConfig): { index: number[]; cuWindow: number[] } {
  const m = c.vision.spatial_merge_size;
  const ws = c.vision.window_size / m / c.vision.patch_size;
  const index: number[] = [];
  const cu = [0];
  let base = 0;
  for (const [gt, gh, gw] of grids) {
    const lh = gh / m;
    const lw = gw / m;
    const padH = ws - (lh % ws);
    const padW = ws - (lw % ws);
    const nh = (lh + padH) / ws;
    const nw = (lw + padW) / ws;
    for (let t = 0; t < gt; t++)
      for (let wy = 0; wy < nh; wy++)
        for (let wx = 0; wx < nw; wx++) {
          let count = 0;
          for (let y = 0; y < ws; y++)
            for (let x = 0; x < ws; x++) {
              const r = wy * ws + y;
              const col = wx * ws + x;
              if (r < lh && col < lw) {
                index.push(base + t * lh * lw + r * lw + col);
                count++;
              }
            }
          const next = cu[cu.length - 1] + count * m * m;
          if (next !== cu[cu.length - 1]) cu.push(next);
        }
    base += gt * lh * lw;
  }
  return { index, cuWindow: cu };
}

export function referenceVision(W: WeightMap, c: Qwen25VlConfig, pixels: Float64Array, grids: number[][]): Mat {
  const v = c.vision;
  const d = v.hidden_size;
  const unit = v.spatial_merge_size ** 2;
  const rowLen = 3 * v.temporal_patch_size * v.patch_size * v.patch_size;
  const P = pixels.length / rowLen;
  let h = linear(mat(P, rowLen, pixels), weight(W, 'visual.patch_embed.proj.weight'), d);
  // rotary angles per patch (processor order): [row · invFreq, column · invFreq]
  const hd = d / v.num_heads;
  const inv = Array.from({ length: hd / 4 }, (_, i) => 1 / Math.pow(10000, (2 * i) / (hd / 2)));
  const angles: number[][] = [];
  for (const [gt, gh, gw] of grids)
    for (let t = 0; t < gt; t++)
      for (let by = 0; by < gh / 2; by++)
        for (let bx = 0; bx < gw / 2; bx++)
          for (let my = 0; my < 2; my++)
            for (let mx = 0; mx < 2; mx++) {
              const r = by * 2 + my;
              const col = bx * 2 + mx;
              angles.push([...inv.map((f) => r * f), ...inv.map((f) => col * f)]);
            }
  const { index, cuWindow } = windowIndex(grids, c);
  // reorder merge units into windows
  const reorder = <T>(rows: T[]): T[] => index.flatMap((u) => rows.slice(u * unit, (u + 1) * unit));
  const hRows = reorder(Array.from({ length: P }, (_, i) => h.d.slice(i * d, (i + 1) * d)));
  h = mat(P, d, Float64Array.from(hRows.flatMap((r) => Array.from(r))));
  const ang = reorder(angles).map((a) => [...a, ...a]);
  const cos = ang.map((a) => Float64Array.from(a, Math.cos));
  const sin = ang.map((a) => Float64Array.from(a, Math.sin));
  const cuFull = [0];
  for (const [gt, gh, gw] of grids) for (let t = 0; t < gt; t++) cuFull.push(cuFull[cuFull.length - 1] + gh * gw);
  const segmentOf = (cu: number[]) => {
    const seg = new Int32Array(P);
    for (let s = 0; s + 1 < cu.length; s++) for (let i = cu[s]; i < cu[s + 1]; i++) seg[i] = s;
    return seg;
  };
  const windowSeg = segmentOf(cuWindow);
  const fullSeg = segmentOf(cuFull);
  for (let b = 0; b < v.depth; b++) {
    const pre = `visual.blocks.${b}`;
    const x = rmsNorm(h, weight(W, `${pre}.norm1.weight`), 1e-6);
    const qkv = linear(x, weight(W, `${pre}.attn.qkv.weight`), 3 * d, weight(W, `${pre}.attn.qkv.bias`));
    const seg = v.fullatt_block_indexes.includes(b) ? fullSeg : windowSeg;
    const attnOut = mat(P, d);
    for (let head = 0; head < v.num_heads; head++) {
      const part = (which: number, i: number) =>
        qkv.d.slice(i * 3 * d + which * d + head * hd, i * 3 * d + which * d + (head + 1) * hd);
      const q = Array.from({ length: P }, (_, i) => rotateHalfApply(part(0, i), cos[i], sin[i]));
      const k = Array.from({ length: P }, (_, i) => rotateHalfApply(part(1, i), cos[i], sin[i]));
      const vv = Array.from({ length: P }, (_, i) => part(2, i));
      const o = attend(q, k, vv, (i, j) => seg[i] === seg[j]);
      o.forEach((row, i) => attnOut.d.set(row, i * d + head * hd));
    }
    h = add(h, linear(attnOut, weight(W, `${pre}.attn.proj.weight`), d, weight(W, `${pre}.attn.proj.bias`)));
    const y = rmsNorm(h, weight(W, `${pre}.norm2.weight`), 1e-6);
    const I = v.intermediate_size;
    const gate = linear(y, weight(W, `${pre}.mlp.gate_proj.weight`), I, weight(W, `${pre}.mlp.gate_proj.bias`));
    const up = linear(y, weight(W, `${pre}.mlp.up_proj.weight`), I, weight(W, `${pre}.mlp.up_proj.bias`));
    const act = mat(
      P,
      I,
      gate.d.map((g, i) => silu(g) * up.d[i]),
    );
    h = add(h, linear(act, weight(W, `${pre}.mlp.down_proj.weight`), d, weight(W, `${pre}.mlp.down_proj.bias`)));
  }
  const normed = rmsNorm(h, weight(W, 'visual.merger.ln_q.weight'), 1e-6);
  const grouped = mat(P / unit, d * unit, normed.d);
  const m0 = linear(grouped, weight(W, 'visual.merger.mlp.0.weight'), d * unit, weight(W, 'visual.merger.mlp.0.bias'));
  const act = mat(
    m0.rows,
    m0.cols,
    m0.d.map((x) => 0.5 * x * (1 + erf(x / Math.SQRT2))),
  );
  const merged = linear(
    act,
    weight(W, 'visual.merger.mlp.2.weight'),
    v.out_hidden_size,
    weight(W, 'visual.merger.mlp.2.bias'),
  );
  // undo the window order
  const out = mat(merged.rows, merged.cols);
  index.forEach((u, i) => out.d.set(merged.d.subarray(i * merged.cols, (i + 1) * merged.cols), u * merged.cols));
  return out;
}

// ---- positions, the reference's procedure ----

export function referenceRopeIndex(
  ids: number[],
  grids: number[][],
  c: Qwen25VlConfig,
): { pos: number[][]; delta: number } {
  const m = c.vision.spatial_merge_size;
  const pieces: number[][][] = []; // each: [3][n]
  let st = 0;
  let image = 0;
  const maxSoFar = () => (pieces.length ? Math.max(...pieces[pieces.length - 1].flat()) + 1 : 0);
  const imageCount = ids.filter(
    (id, i) => id === c.tokens.vision_start_token_id && ids[i + 1] === c.tokens.image_token_id,
  ).length;
  for (let n = 0; n < imageCount; n++) {
    const ed = ids.indexOf(c.tokens.image_token_id, st);
    const [gt, gh, gw] = grids[image++];
    const [lt, lh, lw] = [gt, gh / m, gw / m];
    const textLen = ed - st;
    const stIdx = maxSoFar();
    pieces.push([0, 1, 2].map(() => Array.from({ length: textLen }, (_, i) => i + stIdx)));
    const t: number[] = [];
    const hh: number[] = [];
    const ww: number[] = [];
    for (let a = 0; a < lt; a++)
      for (let b = 0; b < lh; b++)
        for (let cc = 0; cc < lw; cc++) {
          t.push(0 + textLen + stIdx);
          hh.push(b + textLen + stIdx);
          ww.push(cc + textLen + stIdx);
        }
    pieces.push([t, hh, ww]);
    st = ed + lt * lh * lw;
  }
  if (st < ids.length) {
    const stIdx = maxSoFar();
    pieces.push([0, 1, 2].map(() => Array.from({ length: ids.length - st }, (_, i) => i + stIdx)));
  }
  const pos = [0, 1, 2].map((s) => pieces.flatMap((p) => p[s]));
  return { pos, delta: Math.max(...pos.flat()) + 1 - ids.length };
}

// ---- decoder ----

/** Logits [T, V] of the last `lastK` positions for a whole sequence. */
export function referenceLogits(
  W: WeightMap,
  c: Qwen25VlConfig,
  ids: number[],
  pos: number[][],
  imageFeatures: Mat | undefined,
  lastK: number,
): Float64Array[] {
  const t = c.text;
  const D = t.hidden_size;
  const T = ids.length;
  const hd = D / t.num_attention_heads;
  const emb = weight(W, 'model.embed_tokens.weight');
  let h = mat(T, D);
  let img = 0;
  ids.forEach((id, i) => {
    if (id === c.tokens.image_token_id && imageFeatures) h.d.set(imageFeatures.d.subarray(img * D, ++img * D), i * D);
    else h.d.set(emb.subarray(id * D, (id + 1) * D), i * D);
  });
  // rotary: per stream cos/sin [T, hd], then channels chosen by mrope_section (repeated over both halves)
  const inv = Array.from({ length: hd / 2 }, (_, i) => 1 / Math.pow(t.rope_theta, (2 * i) / hd));
  const sections = [...t.rope_scaling.mrope_section, ...t.rope_scaling.mrope_section];
  const streamOf: number[] = [];
  sections.forEach((n, i) => {
    for (let k = 0; k < n; k++) streamOf.push(i % 3);
  });
  const cos = Array.from({ length: T }, (_, i) =>
    Float64Array.from({ length: hd }, (_, j) => Math.cos(pos[streamOf[j]][i] * inv[j % (hd / 2)])),
  );
  const sin = Array.from({ length: T }, (_, i) =>
    Float64Array.from({ length: hd }, (_, j) => Math.sin(pos[streamOf[j]][i] * inv[j % (hd / 2)])),
  );
  const H = t.num_attention_heads;
  const Hkv = t.num_key_value_heads;
  for (let l = 0; l < t.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const x = rmsNorm(h, weight(W, `${p}.input_layernorm.weight`), t.rms_norm_eps);
    const q = linear(x, weight(W, `${p}.self_attn.q_proj.weight`), H * hd, weight(W, `${p}.self_attn.q_proj.bias`));
    const k = linear(x, weight(W, `${p}.self_attn.k_proj.weight`), Hkv * hd, weight(W, `${p}.self_attn.k_proj.bias`));
    const v = linear(x, weight(W, `${p}.self_attn.v_proj.weight`), Hkv * hd, weight(W, `${p}.self_attn.v_proj.bias`));
    const out = mat(T, H * hd);
    for (let head = 0; head < H; head++) {
      const kvHead = Math.floor(head / (H / Hkv));
      const qs = Array.from({ length: T }, (_, i) =>
        rotateHalfApply(q.d.slice(i * H * hd + head * hd, i * H * hd + (head + 1) * hd), cos[i], sin[i]),
      );
      const ks = Array.from({ length: T }, (_, i) =>
        rotateHalfApply(k.d.slice(i * Hkv * hd + kvHead * hd, i * Hkv * hd + (kvHead + 1) * hd), cos[i], sin[i]),
      );
      const vs = Array.from({ length: T }, (_, i) =>
        v.d.slice(i * Hkv * hd + kvHead * hd, i * Hkv * hd + (kvHead + 1) * hd),
      );
      attend(qs, ks, vs, (i, j) => j <= i).forEach((row, i) => out.d.set(row, i * H * hd + head * hd));
    }
    h = add(h, linear(out, weight(W, `${p}.self_attn.o_proj.weight`), D));
    const y = rmsNorm(h, weight(W, `${p}.post_attention_layernorm.weight`), t.rms_norm_eps);
    const I = t.intermediate_size;
    const gate = linear(y, weight(W, `${p}.mlp.gate_proj.weight`), I);
    const up = linear(y, weight(W, `${p}.mlp.up_proj.weight`), I);
    h = add(
      h,
      linear(
        mat(
          T,
          I,
          gate.d.map((g, i) => silu(g) * up.d[i]),
        ),
        weight(W, `${p}.mlp.down_proj.weight`),
        D,
      ),
    );
  }
  h = rmsNorm(h, weight(W, 'model.norm.weight'), t.rms_norm_eps);
  const head = weight(W, t.tie_word_embeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  const last = mat(lastK, D, h.d.slice((T - lastK) * D));
  const logits = linear(last, head, t.vocab_size);
  return Array.from({ length: lastK }, (_, i) => logits.d.slice(i * t.vocab_size, (i + 1) * t.vocab_size));
}

/** Greedy tokens by recomputing the whole sequence each step (text positions continue at max + 1). */
export function referenceGreedy(
  W: WeightMap,
  c: Qwen25VlConfig,
  ids: number[],
  pos: number[][],
  imageFeatures: Mat | undefined,
  steps: number,
): number[] {
  const seq = [...ids];
  const p = pos.map((s) => [...s]);
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [logits] = referenceLogits(W, c, seq, p, imageFeatures, 1);
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    out.push(best);
    const next = Math.max(...p.flat()) + 1;
    seq.push(best);
    p.forEach((stream) => stream.push(next));
  }
  return out;
}
