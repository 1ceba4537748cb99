// Image fingerprints for reverse image search without a model: a 64-bit difference hash (robust to resizing,
// re-encoding and small edits) and a 4×4 colour layout (tells apart images whose shapes match but colours do not).
import sharp from 'sharp';

export interface ImageFingerprint {
  dhash: Buffer;
  embedding: Float32Array;
}

export async function fingerprint(bytes: Uint8Array): Promise<ImageFingerprint> {
  const grey = await sharp(bytes).flatten({ background: '#ffffff' }).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  const dhash = Buffer.alloc(8);
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      if (grey[row * 9 + col] > grey[row * 9 + col + 1]) dhash[row] |= 1 << col;
    }
  }
  const rgb = await sharp(bytes).flatten({ background: '#ffffff' }).removeAlpha().resize(4, 4, { fit: 'fill' }).raw().toBuffer();
  const embedding = new Float32Array(48);
  let norm = 0;
  for (let i = 0; i < 48; i++) {
    embedding[i] = rgb[i] / 255 - 0.5;
    norm += embedding[i] * embedding[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < 48; i++) embedding[i] /= norm;
  return { dhash, embedding };
}

const popcount = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let v = i; v; v >>= 1) n += v & 1;
  return n;
});

export function hamming(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 8; i++) d += popcount[a[i] ^ b[i]];
  return d;
}

/** 0 for the same picture, up to 1; shape (dHash) weighs 0.7, colour layout 0.3. */
export function imageDistance(a: ImageFingerprint, b: ImageFingerprint): number {
  let dot = 0;
  for (let i = 0; i < a.embedding.length; i++) dot += a.embedding[i] * b.embedding[i];
  return 0.7 * (hamming(a.dhash, b.dhash) / 64) + 0.3 * ((1 - dot) / 2);
}

/** A thumbnail as the model will see it: at most 256 px on the long side, JPEG. */
export async function thumbnail(bytes: Uint8Array): Promise<{ bytes: Buffer; width: number; height: number; mime: string }> {
  const { data, info } = await sharp(bytes).flatten({ background: '#ffffff' }).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height, mime: 'image/jpeg' };
}

export async function describeImage(bytes: Uint8Array): Promise<{ mime: string; width: number; height: number }> {
  const meta = await sharp(bytes).metadata();
  if (!meta.format || !meta.width || !meta.height) throw new Error('not a readable image');
  return { mime: `image/${String(meta.format).replace('jpg', 'jpeg')}`, width: meta.width, height: meta.height };
}
