// All SQL about content-addressed images: bytes stored once per sha256.
import { createHash } from 'node:crypto';
import type { Db } from '../database';

export interface ImageMeta {
  sha256: string;
  mime: string;
  width: number | null;
  height: number | null;
  size: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createImagesRepository(db: Db) {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO images (sha256, bytes, mime, width, height, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    /** Stores the bytes unless an image with the same hash is already there; returns the hash. */
    put(bytes: Uint8Array, meta: { mime: string; width?: number | null; height?: number | null }): string {
      const sha = sha256Hex(bytes);
      insert.run(
        sha,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        meta.mime,
        meta.width ?? null,
        meta.height ?? null,
        bytes.byteLength,
        Date.now(),
      );
      return sha;
    },
    get(sha: string): { bytes: Buffer; mime: string } | undefined {
      return db
        .prepare<[string], { bytes: Buffer; mime: string }>('SELECT bytes, mime FROM images WHERE sha256 = ?')
        .get(sha);
    },
    meta(sha: string): ImageMeta | undefined {
      return db
        .prepare<[string], ImageMeta>('SELECT sha256, mime, width, height, size FROM images WHERE sha256 = ?')
        .get(sha);
    },
    count(): number {
      return (db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
    },
    /** Hashes in a stable order, a page at a time, for jobs that walk every image. */
    page(afterSha: string, limit: number): { sha256: string; bytes: Buffer }[] {
      return db
        .prepare<[string, number], { sha256: string; bytes: Buffer }>(
          'SELECT sha256, bytes FROM images WHERE sha256 > ? ORDER BY sha256 LIMIT ?',
        )
        .all(afterSha, limit);
    },
    markVerified(shas: string[], at: number): void {
      const stmt = db.prepare('UPDATE images SET verified_at = ? WHERE sha256 = ?');
      for (const sha of shas) stmt.run(at, sha);
    },
    countVerifiedSince(at: number): number {
      return (db.prepare('SELECT count(*) AS n FROM images WHERE verified_at >= ?').get(at) as { n: number }).n;
    },
  };
}
export type ImagesRepository = ReturnType<typeof createImagesRepository>;
