// Local images reach Google Lens through SerpApi's Image API. An upload's image_id is valid for ten minutes, so
// it is kept per image (by content hash) and reused until shortly before it expires: a GRPO group searching the
// same image n times uploads it once. Images the API does not take (another format, over 500 KB) are re-encoded
// as JPEG and downscaled until they fit.
import sharp from 'sharp';
import { sha256Hex } from '../../storage/repositories/images';

export const UPLOAD_MAX_BYTES = 500 * 1024;
/** SerpApi's validity, less a margin so that an id is never used in its last seconds. */
export const IMAGE_ID_TTL_MS = 10 * 60_000 - 30_000;

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);

/** The image as the Image API accepts it: JPG, PNG or WebP of at most 500 KB. */
export async function uploadableImage(bytes: Uint8Array): Promise<{ bytes: Uint8Array; mime: string }> {
  const meta = await sharp(bytes).metadata();
  if (meta.format && ACCEPTED.has(meta.format) && bytes.length <= UPLOAD_MAX_BYTES)
    return { bytes, mime: `image/${meta.format}` };
  let side = Math.min(2048, Math.max(meta.width ?? 2048, meta.height ?? 2048));
  let quality = 85;
  for (;;) {
    const out = await sharp(bytes)
      .rotate()
      .resize(side, side, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality })
      .toBuffer();
    if (out.length <= UPLOAD_MAX_BYTES) return { bytes: out, mime: 'image/jpeg' };
    // Shrink the picture before the quality: Lens matches on content, which survives a smaller size better.
    if (side > 256) side = Math.round(side * 0.75);
    else if (quality > 40) quality -= 15;
    else throw new Error(`the image does not fit the Image API's ${UPLOAD_MAX_BYTES / 1024} KB even at ${side} px`);
  }
}

export interface UploadedImage {
  imageId: string;
  /** Whether this call uploaded it (false: an id still valid was reused). */
  uploaded: boolean;
}

export class LensUploads {
  private readonly ids = new Map<string, { imageId: string; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The image's id, uploading it through `upload` only when no valid id is kept. */
  async idFor(
    bytes: Uint8Array,
    upload: (image: { bytes: Uint8Array; mime: string }) => Promise<string>,
  ): Promise<UploadedImage> {
    const sha = sha256Hex(bytes);
    const kept = this.ids.get(sha);
    if (kept && kept.expiresAt > this.now()) return { imageId: kept.imageId, uploaded: false };
    const inFlight = this.pending.get(sha);
    if (inFlight) return { imageId: await inFlight, uploaded: false };
    const started = this.now();
    const job = uploadableImage(bytes).then(upload);
    this.pending.set(sha, job);
    try {
      const imageId = await job;
      this.ids.set(sha, { imageId, expiresAt: started + IMAGE_ID_TTL_MS });
      return { imageId, uploaded: true };
    } finally {
      this.pending.delete(sha);
    }
  }

  /** Forgets an id SerpApi no longer accepts, so that the next search uploads again. */
  forget(bytes: Uint8Array): void {
    this.ids.delete(sha256Hex(bytes));
  }
}
