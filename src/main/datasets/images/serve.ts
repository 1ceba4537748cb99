// An image or its thumbnail by content hash, for browser mode's /api/images route (and the Electron glue).
// Thumbnails missing from the table (images stored by other features) are made once and kept.
import type { Store } from '../../storage';
import { makeThumb } from './decode';

export const IMAGE_PATH = /^\/api\/images\/([0-9a-f]{64})$/;

export async function imageForServing(
  store: Store,
  sha: string,
  thumb: boolean,
): Promise<{ bytes: Buffer; mime: string } | null> {
  if (thumb) {
    const stored = store.repos.thumbs.get(sha);
    if (stored) return stored;
  }
  const image = store.repos.images.get(sha);
  if (!image || !thumb) return image ?? null;
  try {
    const made = await makeThumb(image.bytes);
    store.repos.thumbs.put(sha, made);
    return { bytes: Buffer.from(made.bytes), mime: made.mime };
  } catch {
    // Not decodable (bytes stored by a feature that does not check): serve nothing rather than bad bytes.
    return null;
  }
}
