// Qwen2.5-VL's image processor: smart resize to multiples of patch × merge within [min_pixels, max_pixels] (Python's
// round, half to even), Pillow's bicubic resampling of the 8-bit picture, rescale by 1/255, normalise by the
// processor's mean/std, repeat a still image over the temporal patch, and emit patch rows grouped by 2×2 merge unit
// in (channel, time, row, column) order — the layout the tower's Conv3d patch embedding reads as one matrix product.

import sharp from 'sharp';
import { z } from 'zod';

export const PreprocessorConfigSchema = z.object({
  min_pixels: z
    .number()
    .int()
    .positive()
    .default(56 * 56),
  max_pixels: z
    .number()
    .int()
    .positive()
    .default(28 * 28 * 1280),
  patch_size: z.number().int().positive().default(14),
  temporal_patch_size: z.number().int().positive().default(2),
  merge_size: z.number().int().positive().default(2),
  image_mean: z.array(z.number()).length(3).default([0.48145466, 0.4578275, 0.40821073]),
  image_std: z.array(z.number()).length(3).default([0.26862954, 0.26130258, 0.27577711]),
  rescale_factor: z
    .number()
    .positive()
    .default(1 / 255),
});
export type PreprocessorConfig = z.infer<typeof PreprocessorConfigSchema>;

/** Python's round(): ties go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const r = Math.round(value);
  return Math.abs(value % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export class ImageSizeError extends Error {}

/** The processor's target size: both sides multiples of `factor`, area within [minPixels, maxPixels]. */
export function smartResize(
  height: number,
  width: number,
  factor: number,
  minPixels: number,
  maxPixels: number,
): { height: number; width: number } {
  if (height < factor || width < factor)
    throw new ImageSizeError(
      `image is ${width}×${height} pixels; both sides must be at least ${factor} (patch × merge size)`,
    );
  if (Math.max(height, width) / Math.min(height, width) > 200)
    throw new ImageSizeError(
      `image is ${width}×${height} pixels; its aspect ratio must be at most 200 (is ${(Math.max(height, width) / Math.min(height, width)).toFixed(1)})`,
    );
  let h = roundHalfEven(height / factor) * factor;
  let w = roundHalfEven(width / factor) * factor;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { height: h, width: w };
}

// ---- Pillow's bicubic resampling of 8-bit images (separable, horizontal pass first, 22-bit fixed point) ----

const PRECISION_BITS = 32 - 8 - 2;

function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** For each output index: the first input index and the fixed-point weights of the inputs it reads. */
function coefficients(inSize: number, outSize: number): { start: number; weights: Int32Array }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const out: { start: number; weights: Int32Array }[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const end = Math.min(Math.trunc(center + support + 0.5), inSize);
    const k = new Float64Array(end - start);
    let total = 0;
    for (let x = 0; x < k.length; x++) total += k[x] = bicubic((x + start - center + 0.5) / filterScale);
    const weights = new Int32Array(k.length);
    for (let x = 0; x < k.length; x++) {
      const w = total !== 0 ? k[x] / total : 0;
      weights[x] = w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    out.push({ start, weights });
  }
  return out;
}

const clip8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : v);

/** One pass along an axis of an interleaved RGB uint8 image. */
function resamplePass(src: Uint8Array, w: number, h: number, outSize: number, horizontal: boolean): Uint8Array {
  const coeffs = coefficients(horizontal ? w : h, outSize);
  const ow = horizontal ? outSize : w;
  const oh = horizontal ? h : outSize;
  const dst = new Uint8Array(ow * oh * 3);
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const { start, weights } = coeffs[horizontal ? x : y];
      for (let c = 0; c < 3; c++) {
        let acc = half;
        for (let i = 0; i < weights.length; i++) {
          const sx = horizontal ? start + i : x;
          const sy = horizontal ? y : start + i;
          acc += src[(sy * w + sx) * 3 + c] * weights[i];
        }
        // arithmetic shift of the 64-bit-safe sum (|acc| < 2^53 here)
        dst[(y * ow + x) * 3 + c] = clip8(Math.floor(acc / (1 << PRECISION_BITS)));
      }
    }
  return dst;
}

/** Resizes interleaved RGB bytes as Pillow's Image.resize(…, BICUBIC) does. */
export function resizeBicubic(
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  let img = rgb;
  let w = width;
  if (outWidth !== width) {
    img = resamplePass(img, w, height, outWidth, true);
    w = outWidth;
  }
  if (outHeight !== height) img = resamplePass(img, w, height, outHeight, false);
  return img;
}

export interface PreprocessedImage {
  /** [gridT · gridH · gridW, 3 · temporal · patch · patch] */
  pixels: Float32Array;
  /** [t, h, w] in patches, as the processor's image_grid_thw gives it. */
  grid: [number, number, number];
  /** The picture's size after the smart resize. */
  resized: { width: number; height: number };
}

/** Patch rows from interleaved RGB bytes. */
export function preprocessRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  preprocessor: PreprocessorConfig,
): PreprocessedImage {
  if (rgb.length !== width * height * 3)
    throw new Error(`image data has ${rgb.length} bytes, expected ${width}×${height}×3`);
  const factor = preprocessor.patch_size * preprocessor.merge_size;
  const size = smartResize(height, width, factor, preprocessor.min_pixels, preprocessor.max_pixels);
  const resized = resizeBicubic(rgb, width, height, size.width, size.height);
  const ps = preprocessor.patch_size;
  const m = preprocessor.merge_size;
  const tp = preprocessor.temporal_patch_size;
  const gh = size.height / ps;
  const gw = size.width / ps;
  const rowLen = 3 * tp * ps * ps;
  const out = new Float32Array(gh * gw * rowLen);
  const norm = [0, 1, 2].map((c) => ({ mean: preprocessor.image_mean[c], std: preprocessor.image_std[c] }));
  let row = 0;
  // rows: (merge-unit row, merge-unit column, row within unit, column within unit); a still image has one time step
  for (let by = 0; by < gh / m; by++)
    for (let bx = 0; bx < gw / m; bx++)
      for (let my = 0; my < m; my++)
        for (let mx = 0; mx < m; mx++) {
          const py = by * m + my;
          const px = bx * m + mx;
          let k = row * rowLen;
          for (let c = 0; c < 3; c++)
            for (let t = 0; t < tp; t++)
              for (let y = 0; y < ps; y++)
                for (let x = 0; x < ps; x++) {
                  const v = resized[((py * ps + y) * size.width + px * ps + x) * 3 + c];
                  out[k++] = (Math.fround(v * preprocessor.rescale_factor) - norm[c].mean) / norm[c].std;
                }
          row++;
        }
  return { pixels: out, grid: [1, gh, gw], resized: size };
}

/** Decodes an image file (any format sharp reads) to RGB and preprocesses it. */
export async function preprocessImageFile(
  bytes: Uint8Array,
  preprocessor: PreprocessorConfig,
  where = 'image',
): Promise<PreprocessedImage> {
  const decoded = await sharp(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: Error) => {
      throw new Error(`${where}: cannot decode the image (${e.message})`);
    });
  const { data, info } = decoded;
  const rgb = info.channels === 3 ? new Uint8Array(data) : expandGray(new Uint8Array(data), info.channels);
  try {
    return preprocessRgb(rgb, info.width, info.height, preprocessor);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

function expandGray(data: Uint8Array, channels: number): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i * channels];
  return out;
}
