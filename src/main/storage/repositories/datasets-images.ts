// All SQL about image thumbnails (the full images live in the images table, owned by images.ts).
import type { Db } from '../database';

export interface Thumb {
  bytes: Buffer;
  mime: string;
  width: number;
  height: number;
}

export function createThumbsRepository(db: Db) {
  return {
    get(sha: string): Thumb | undefined {
      return db
        .prepare<[string], Thumb>('SELECT bytes, mime, width, height FROM image_thumbs WHERE sha256 = ?')
        .get(sha);
    },
    /** Keeps a thumbnail made while serving. A cache: a read-only database (a reader engine) serves it unkept. */
    put(sha: string, thumb: { bytes: Uint8Array; mime: string; width: number; height: number }): void {
      if (db.readonly) return;
      db.prepare('INSERT OR IGNORE INTO image_thumbs (sha256, bytes, mime, width, height) VALUES (?, ?, ?, ?, ?)').run(
        sha,
        Buffer.from(thumb.bytes.buffer, thumb.bytes.byteOffset, thumb.bytes.byteLength),
        thumb.mime,
        thumb.width,
        thumb.height,
      );
    },
  };
}
export type ThumbsRepository = ReturnType<typeof createThumbsRepository>;
