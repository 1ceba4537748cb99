// Multimodal rotary positions (Qwen2.5-VL's get_rope_index) and the rotary tables the graphs read.
// Text tokens advance t = h = w together; an image's tokens (its `<|image_pad|>` run) get t = start,
// h = start + row, w = start + column on the merged grid; text after an image resumes at the maximum so far + 1.
// Several images in one sequence (tool results bring thumbnails) each follow the same rule.

import type { Qwen25VlConfig } from './config';

export interface Positions3 {
  /** [3, T]: the t, h and w streams, row-major. */
  ids: Int32Array;
  length: number;
  /** The position the next generated token takes (max + 1); later tokens follow one by one. */
  next: number;
}

/** Position ids for one unpadded sequence; `grids` are the images' [t, h, w] in patches, in order of appearance. */
export function multimodalPositions(
  ids: readonly number[],
  grids: readonly (readonly [number, number, number])[],
  config: Qwen25VlConfig,
): Positions3 {
  const T = ids.length;
  const out = new Int32Array(3 * T);
  const merge = config.vision.spatial_merge_size;
  let image = 0;
  let next = 0;
  let i = 0;
  while (i < T) {
    if (ids[i] !== config.tokens.image_token_id) {
      out[i] = out[T + i] = out[2 * T + i] = next++;
      i++;
      continue;
    }
    const grid = grids[image];
    if (!grid)
      throw new Error(`sequence has more images (<|image_pad|> runs) than the ${grids.length} image grids given`);
    const [gt, gh, gw] = [grid[0], grid[1] / merge, grid[2] / merge];
    const tokens = gt * gh * gw;
    for (let k = 0; k < tokens; k++) {
      if (ids[i + k] !== config.tokens.image_token_id)
        throw new Error(`image ${image} needs ${tokens} <|image_pad|> tokens, found ${k}`);
      const t = Math.floor(k / (gh * gw));
      const r = Math.floor((k % (gh * gw)) / gw);
      const col = k % gw;
      // a still image's frames share one time step (seconds per grid = 0)
      out[i + k] = next + 0 * t;
      out[T + i + k] = next + r;
      out[2 * T + i + k] = next + col;
    }
    next += Math.max(gh, gw, 1);
    i += tokens;
    image++;
  }
  if (image !== grids.length)
    throw new Error(`${grids.length} image grids given but the sequence holds ${image} images`);
  return { ids: out, length: T, next };
}

/**
 * cos/sin [T, headDim] for the decoder: channel j rotates by position(stream(j)) · invFreq[j mod headDim/2], where the
 * stream is t, h or w by mrope_section over the half (both halves repeat the same frequencies).
 */
export function decoderRotary(
  pos: Int32Array,
  count: number,
  config: Qwen25VlConfig,
): { cos: Float32Array; sin: Float32Array } {
  const hd = config.headDim;
  const half = hd / 2;
  const [st, sh] = config.text.rope_scaling.mrope_section;
  const stream = (k: number) => (k < st ? 0 : k < st + sh ? 1 : 2);
  const inv = Float64Array.from({ length: half }, (_, k) => 1 / Math.pow(config.text.rope_theta, (2 * k) / hd));
  const cos = new Float32Array(count * hd);
  const sin = new Float32Array(count * hd);
  for (let t = 0; t < count; t++)
    for (let j = 0; j < hd; j++) {
      const k = j % half;
      const angle = pos[stream(k) * count + t] * Math.fround(inv[k]);
      cos[t * hd + j] = Math.cos(angle);
      sin[t * hd + j] = Math.sin(angle);
    }
  return { cos, sin };
}

/**
 * cos/sin [patches, visionHeadDim] for the vision tower, patches in the processor's order (grouped by merge unit):
 * the first quarter of each half rotates by the patch's row, the second by its column.
 */
export function visionRotary(
  grids: readonly (readonly [number, number, number])[],
  config: Qwen25VlConfig,
): { cos: Float32Array; sin: Float32Array } {
  const hd = config.visionHeadDim;
  const quarter = hd / 4;
  const m = config.vision.spatial_merge_size;
  const inv = Float64Array.from({ length: quarter }, (_, k) => 1 / Math.pow(10000, (2 * k) / (hd / 2)));
  const rows: [number, number][] = [];
  for (const [gt, gh, gw] of grids)
    for (let t = 0; t < gt; t++)
      for (let by = 0; by < gh / m; by++)
        for (let bx = 0; bx < gw / m; bx++)
          for (let my = 0; my < m; my++) for (let mx = 0; mx < m; mx++) rows.push([by * m + my, bx * m + mx]);
  const cos = new Float32Array(rows.length * hd);
  const sin = new Float32Array(rows.length * hd);
  rows.forEach(([r, col], p) => {
    for (let j = 0; j < hd; j++) {
      const k = j % (hd / 2);
      const angle = (k < quarter ? r : col) * Math.fround(inv[k % quarter]);
      cos[p * hd + j] = Math.cos(angle);
      sin[p * hd + j] = Math.sin(angle);
    }
  });
  return { cos, sin };
}

/**
 * Which patches may attend to which, as an additive mask [P, P]: window attention keeps each window of
 * window_size pixels (per image and time step) apart; full attention keeps frames (so images) apart.
 */
export function visionAttentionMasks(
  grids: readonly (readonly [number, number, number])[],
  config: Qwen25VlConfig,
): { window: Float32Array; full: Float32Array; patches: number } {
  const m = config.vision.spatial_merge_size;
  const unitsPerWindow = config.vision.window_size / (config.vision.patch_size * m);
  const windowOf: number[] = [];
  const frameOf: number[] = [];
  let windowBase = 0;
  let frame = 0;
  grids.forEach(([gt, gh, gw]) => {
    const wh = Math.ceil(gh / m / unitsPerWindow);
    const ww = Math.ceil(gw / m / unitsPerWindow);
    for (let t = 0; t < gt; t++)
      for (let by = 0; by < gh / m; by++)
        for (let bx = 0; bx < gw / m; bx++) {
          const w = windowBase + t * wh * ww + Math.floor(by / unitsPerWindow) * ww + Math.floor(bx / unitsPerWindow);
          for (let u = 0; u < m * m; u++) {
            windowOf.push(w);
            frameOf.push(frame + t);
          }
        }
    windowBase += gt * wh * ww;
    frame += gt;
  });
  const P = windowOf.length;
  const window = new Float32Array(P * P);
  const full = new Float32Array(P * P);
  for (let a = 0; a < P; a++)
    for (let b = 0; b < P; b++) {
      if (windowOf[a] !== windowOf[b]) window[a * P + b] = -1e9;
      if (frameOf[a] !== frameOf[b]) full[a * P + b] = -1e9;
    }
  return { window, full, patches: P };
}
