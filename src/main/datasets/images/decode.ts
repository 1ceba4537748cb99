// Reading, checking and measuring an image with sharp: a full decode (through the thumbnail) proves the
// bytes are an image; the thumbnail is what the browsing grid shows.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { errorMessage } from '../../platform/errors';
import { sha256Hex } from '../../storage/repositories/images';
import type { StagedImage } from '../../storage/repositories/datasets-staging';
import type { ImageRef } from '../formats/normalize';

export const THUMB_SIZE = 224;
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 20_000;

const mimeByFormat: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  heif: 'image/heif',
  tiff: 'image/tiff',
};

export class ImageError extends Error {}

export async function makeThumb(bytes: Uint8Array): Promise<StagedImage['thumb']> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 72 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, mime: 'image/webp', width: info.width, height: info.height };
}

/** Decodes the bytes fully; throws ImageError with a short reason when they are not a supported image. */
export async function inspectImage(bytes: Uint8Array): Promise<StagedImage> {
  if (bytes.byteLength === 0) throw new ImageError('empty image data');
  if (bytes.byteLength > MAX_IMAGE_BYTES) throw new ImageError(`image is ${(bytes.byteLength / 1e6).toFixed(0)} MB, over the ${MAX_IMAGE_BYTES / 1e6} MB limit`);
  let meta: Metadata;
  let thumb: StagedImage['thumb'];
  try {
    meta = await sharp(bytes).metadata();
  } catch (error) {
    throw new ImageError(`not an image (${errorMessage(error)})`);
  }
  const mime = meta.format ? mimeByFormat[meta.format] : undefined;
  if (!mime) throw new ImageError(`image format "${meta.format ?? 'unknown'}" is not supported (use JPEG, PNG, WebP, GIF, AVIF or TIFF)`);
  try {
    thumb = await makeThumb(bytes);
  } catch (error) {
    throw new ImageError(`not a decodable image (${errorMessage(error)})`);
  }
  return { sha256: sha256Hex(bytes), bytes, mime, width: meta.width ?? 0, height: meta.height ?? 0, thumb };
}

/** The bytes an image reference points to. Paths are relative to the imported file's folder. */
export async function loadImageBytes(ref: ImageRef, baseDir: string): Promise<Uint8Array> {
  if (ref.kind === 'bytes') return ref.bytes;
  if (ref.kind === 'path') {
    const file = path.resolve(baseDir, ref.path);
    try {
      const stat = await fs.stat(file);
      if (stat.size > MAX_IMAGE_BYTES) throw new ImageError(`image file is ${(stat.size / 1e6).toFixed(0)} MB, over the limit`);
      return await fs.readFile(file);
    } catch (error) {
      if (error instanceof ImageError) throw error;
      throw new ImageError(`cannot read image file ${ref.path} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
  }
  let response: Response;
  try {
    response = await fetch(ref.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    throw new ImageError(`cannot fetch ${ref.url} (${errorMessage(error)})`);
  }
  if (!response.ok) throw new ImageError(`fetching ${ref.url} gave HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_IMAGE_BYTES) throw new ImageError(`${ref.url} is ${(length / 1e6).toFixed(0)} MB, over the limit`);
  // Without a length header, stop reading once the limit is passed.
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_IMAGE_BYTES) {
        await response.body.cancel().catch(() => {});
        throw new ImageError(`${ref.url} is over the ${MAX_IMAGE_BYTES / 1e6} MB limit`);
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}
