// Reading, checking and measuring an image with sharp: a full decode (through the thumbnail) proves the
// bytes are an image; the thumbnail is what the browsing grid shows.
import sharp, { type Metadata } from 'sharp';
import { errorMessage } from '../../platform/errors';
import { FileAccessError, readFileWithin } from '../../platform/file-access';
import { fetchPublicUrl } from '../../platform/url-access';
import { sha256Hex } from '../../storage/repositories/images';
import type { StagedImage } from '../../storage/repositories/datasets-staging';
import type { ImageRef } from '../formats/normalize';
import { MAX_IMAGE_BYTES } from '../../../shared/contract';

export const THUMB_SIZE = 224;
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
  if (bytes.byteLength > MAX_IMAGE_BYTES)
    throw new ImageError(
      `image is ${(bytes.byteLength / 1e6).toFixed(0)} MB, over the ${MAX_IMAGE_BYTES / 1e6} MB limit`,
    );
  let meta: Metadata;
  let thumb: StagedImage['thumb'];
  try {
    meta = await sharp(bytes).metadata();
  } catch (error) {
    throw new ImageError(`not an image (${errorMessage(error)})`);
  }
  const mime = meta.format ? mimeByFormat[meta.format] : undefined;
  if (!mime)
    throw new ImageError(
      `image format "${meta.format ?? 'unknown'}" is not supported (use JPEG, PNG, WebP, GIF, AVIF or TIFF)`,
    );
  try {
    thumb = await makeThumb(bytes);
  } catch (error) {
    throw new ImageError(`not a decodable image (${errorMessage(error)})`);
  }
  return { sha256: sha256Hex(bytes), bytes, mime, width: meta.width ?? 0, height: meta.height ?? 0, thumb };
}

/** What an import may read beyond its own folder and the public internet; both off unless the user allows them. */
export interface ImageAccess {
  allowPathsOutside?: boolean;
  allowPrivateUrls?: boolean;
}

/**
 * The bytes an image reference points to, under the file-access policy (platform/file-access.ts): paths are
 * relative to the imported file's folder and stay inside it; URLs are fetched from public addresses only.
 */
export async function loadImageBytes(ref: ImageRef, baseDir: string, access: ImageAccess = {}): Promise<Uint8Array> {
  if (ref.kind === 'bytes') return ref.bytes;
  if (ref.kind === 'path') {
    try {
      return await readFileWithin(ref.path, baseDir, {
        maxBytes: MAX_IMAGE_BYTES,
        confineTo: access.allowPathsOutside ? null : baseDir,
        timeoutMs: FETCH_TIMEOUT_MS,
      });
    } catch (error) {
      // A missing file says just its code, as before; a refusal says why.
      const code = error instanceof FileAccessError ? error.code : undefined;
      throw new ImageError(`cannot read image file ${ref.path} (${code ?? errorMessage(error)})`);
    }
  }
  let response: Response;
  try {
    response = await fetchPublicUrl(ref.url, {
      allowPrivate: access.allowPrivateUrls === true,
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
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
