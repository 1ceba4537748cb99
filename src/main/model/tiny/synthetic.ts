// A small synthetic vision-language task for tests and benchmarks: the image is tinted one of a few colours (with
// noise and a random bright square); the user asks for the colour; the answer names it. Solving it needs the image.

import { seededRandom } from '../../platform/random';
import { encodeWithImages, type Sequence } from './batch';
import type { TinyVlm } from './vlm';
export const COLORS: Record<string, [number, number, number]> = {
  red: [1, -0.6, -0.6],
  green: [-0.6, 1, -0.6],
  blue: [-0.6, -0.6, 1],
  yellow: [1, 1, -0.6],
};

export const COLOR_PROMPT =
  '<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What colour is this picture?<|im_end|>\n<|im_start|>assistant\n';

export function colorCorpus(): string[] {
  return [COLOR_PROMPT, ...Object.keys(COLORS).map((c) => `<answer>${c}</answer><|im_end|>`)];
}

export function colorImage(size: number, color: string, rand: () => number): Float32Array {
  const [r, g, b] = COLORS[color];
  const img = new Float32Array(3 * size * size);
  const sq = Math.max(2, size >> 2);
  const x0 = Math.floor(rand() * (size - sq));
  const y0 = Math.floor(rand() * (size - sq));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const inSquare = x >= x0 && x < x0 + sq && y >= y0 && y < y0 + sq;
      [r, g, b].forEach((v, ch) => {
        img[ch * size * size + y * size + x] = inSquare ? 1 : v * 0.7 + (rand() - 0.5) * 0.6;
      });
    }
  return img;
}

export interface ColorSample {
  color: string;
  image: Float32Array;
  prompt: Sequence;
  /** Prompt + answer, with the loss mask over the answer. */
  full: Sequence;
  lossMask: number[];
}

export function colorAnswer(color: string): string {
  return `<answer>${color}</answer><|im_end|>`;
}

/** `answerFor` maps the true colour to the colour the answer names (default: itself). */
export function colorSamples(
  model: TinyVlm,
  count: number,
  seed: number,
  answerFor: (color: string) => string = (c) => c,
): ColorSample[] {
  const rand = seededRandom(seed);
  const names = Object.keys(COLORS);
  const promptIds = encodeWithImages(model.tokenizer, model.config, COLOR_PROMPT);
  return Array.from({ length: count }, (_, i) => {
    const color = names[(i + Math.floor(rand() * names.length)) % names.length];
    const image = colorImage(model.config.vision_config.image_size, color, rand);
    const answer = model.tokenizer.encode(colorAnswer(answerFor(color)));
    const ids = [...promptIds, ...answer];
    return {
      color,
      image,
      prompt: { ids: promptIds, images: [image] },
      full: { ids, images: [image] },
      lossMask: ids.map((_, t) => (t >= promptIds.length ? 1 : 0)),
    };
  });
}

/** Loss-mask rows [B, T] as floats, right-padded to `length`. */
export function maskRows(samples: readonly { lossMask: number[] }[], length: number): Float32Array {
  const out = new Float32Array(samples.length * length);
  samples.forEach((s, b) => s.lossMask.forEach((v, t) => (out[b * length + t] = v)));
  return out;
}
