// Turning token sequences (with images) into the fixed-shape arrays a graph takes: padding, attention masks,
// rotary positions and the map from image-pad tokens to rows of image features.

import type { TinyVlmConfig } from './config';
import { imageGeometry } from './config';
import type { TextTokenizer } from './tokenizer';

export interface Sequence {
  /** Token ids; each image occupies `tokensPerImage` consecutive `<|image_pad|>` ids. */
  ids: number[];
  /** One [3, H, W] float array per image, in order of appearance (values roughly in [-1, 1]). */
  images?: Float32Array[];
}

export interface PackedBatch {
  batch: number;
  length: number;
  images: number;
  feeds: {
    input_ids: BigInt64Array;
    attention_mask: BigInt64Array;
    position_ids: BigInt64Array;
    pixel_values?: Float32Array;
    image_index?: BigInt64Array;
  };
  /** Where row b's first real token sits (left padding shifts it). */
  offsets: number[];
}

/** Encodes text and widens each `<|image_pad|>` to the number of tokens an image takes. */
export function encodeWithImages(tok: TextTokenizer, config: TinyVlmConfig, text: string): number[] {
  const per = imageGeometry(config.vision_config).tokens;
  const out: number[] = [];
  for (const id of tok.encode(text)) {
    if (id === config.image_token_id) for (let k = 0; k < per; k++) out.push(id);
    else out.push(id);
  }
  return out;
}

export function packBatch(
  config: TinyVlmConfig,
  seqs: readonly Sequence[],
  options: { length?: number; padSide?: 'left' | 'right'; images?: number } = {},
): PackedBatch {
  const B = seqs.length;
  const T = options.length ?? Math.max(...seqs.map((s) => s.ids.length));
  if (T > config.max_position_embeddings)
    throw new Error(
      `batch length ${T} exceeds the model's max_position_embeddings (${config.max_position_embeddings})`,
    );
  const left = options.padSide === 'left';
  const v = config.vision_config;
  const per = imageGeometry(v).tokens;
  const pixelsPer = 3 * v.image_size * v.image_size;
  const totalImages = seqs.reduce((n, s) => n + (s.images?.length ?? 0), 0);
  const N = options.images ?? totalImages;
  if (totalImages > N) throw new Error(`batch has ${totalImages} images but the graph takes ${N}`);
  const ids = new BigInt64Array(B * T).fill(BigInt(config.pad_token_id));
  const mask = new BigInt64Array(B * T);
  const pos = new BigInt64Array(B * T);
  const imageIndex = N > 0 ? new BigInt64Array(B * T) : undefined;
  const pixels = N > 0 ? new Float32Array(N * pixelsPer) : undefined;
  const offsets: number[] = [];
  let img = 0;
  seqs.forEach((s, b) => {
    const n = s.ids.length;
    if (n > T) throw new Error(`sequence ${b} has ${n} tokens, longer than the batch length ${T}`);
    const off = left ? T - n : 0;
    offsets.push(off);
    const padCount = s.ids.filter((t) => t === config.image_token_id).length;
    const nImages = s.images?.length ?? 0;
    if (padCount !== nImages * per)
      throw new Error(`sequence ${b}: ${padCount} image-pad tokens for ${nImages} images of ${per} tokens each`);
    s.images?.forEach((im, k) => {
      if (im.length !== pixelsPer)
        throw new Error(`sequence ${b}, image ${k}: ${im.length} values, expected 3×${v.image_size}×${v.image_size}`);
      pixels!.set(im, (img + k) * pixelsPer);
    });
    let seen = 0;
    for (let t = 0; t < n; t++) {
      const i = b * T + off + t;
      ids[i] = BigInt(s.ids[t]);
      mask[i] = 1n;
      pos[i] = BigInt(t);
      if (s.ids[t] === config.image_token_id) imageIndex![i] = BigInt(img * per + seen++ + 1);
    }
    img += nImages;
  });
  const feeds: PackedBatch['feeds'] = { input_ids: ids, attention_mask: mask, position_ids: pos };
  if (N > 0) {
    feeds.pixel_values = pixels;
    feeds.image_index = imageIndex;
  }
  return { batch: B, length: T, images: N, feeds, offsets };
}
