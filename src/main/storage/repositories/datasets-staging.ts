// All SQL of an import's staging file: rows and images are validated into a private SQLite file first, so
// the real database is touched only by the final copy, in one short transaction (all rows or none).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import type { Db } from '../database';
import type { SearchNeed } from '../../../shared/contract';

export interface StagedSample {
  rowIndex: number;
  dataId: string | null;
  question: string;
  answer: string;
  candidates: string[];
  imageSha256: string | null;
  imageUrl: string | null;
  dataSource: string | null;
  category: string | null;
  split: string | null;
  prompt: unknown;
  searchNeed: SearchNeed | null;
  labels: { annotator: string; label: SearchNeed; note: string | null }[];
  extra: Record<string, unknown> | null;
}

export interface StagedImage {
  sha256: string;
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
  thumb: { bytes: Uint8Array; mime: string; width: number; height: number };
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const blob = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function openStaging(file: string) {
  fs.rmSync(file, { force: true });
  const db = new Database(file);
  // A scratch file: durability does not matter, speed does.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`
    CREATE TABLE samples (row_index INTEGER PRIMARY KEY, data_id TEXT, question TEXT NOT NULL, answer TEXT NOT NULL,
      candidate_answers TEXT NOT NULL, image_sha256 TEXT, image_url TEXT, data_source TEXT, category TEXT, split TEXT,
      prompt TEXT, search_need TEXT, extra TEXT, labels TEXT);
    CREATE TABLE images (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL, mime TEXT NOT NULL, width INTEGER, height INTEGER, size INTEGER NOT NULL);
    CREATE TABLE thumbs (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL, mime TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL);
  `);
  const addSample = db.prepare(
    `INSERT INTO samples VALUES (@rowIndex, @dataId, @question, @answer, @candidates, @imageSha256, @imageUrl,
     @dataSource, @category, @split, @prompt, @searchNeed, @extra, @labels)`,
  );
  const addImage = db.prepare('INSERT OR IGNORE INTO images VALUES (?, ?, ?, ?, ?, ?)');
  const addThumb = db.prepare('INSERT OR IGNORE INTO thumbs VALUES (?, ?, ?, ?, ?)');
  return {
    file,
    /** Writes a batch of rows and the images they brought, in one transaction of the scratch file. */
    write: db.transaction((samples: StagedSample[], images: StagedImage[]) => {
      for (const image of images) {
        addImage.run(image.sha256, blob(image.bytes), image.mime, image.width, image.height, image.bytes.byteLength);
        addThumb.run(image.sha256, blob(image.thumb.bytes), image.thumb.mime, image.thumb.width, image.thumb.height);
      }
      for (const s of samples) {
        addSample.run({
          ...s,
          candidates: JSON.stringify(s.candidates),
          prompt: json(s.prompt),
          extra: json(s.extra),
          labels: s.labels.length ? JSON.stringify(s.labels) : null,
        });
      }
    }),
    counts(): { samples: number; images: number } {
      return db
        .prepare('SELECT (SELECT count(*) FROM samples) AS samples, (SELECT count(*) FROM images) AS images')
        .get() as { samples: number; images: number };
    },
    close(): void {
      db.close();
      fs.rmSync(file, { force: true });
    },
  };
}
export type Staging = ReturnType<typeof openStaging>;

/**
 * Copies a staging file into the database as a new dataset, in one transaction: the dataset row, the images
 * not stored yet (by hash), their thumbnails, and every sample. Returns the new dataset's id.
 */
export function commitStaging(
  db: Db,
  stagingFile: string,
  dataset: { name: string; description: string; source: string; recipe?: unknown },
): number {
  db.prepare('ATTACH DATABASE ? AS staging').run(stagingFile);
  try {
    return db.transaction(() => {
      const now = Date.now();
      const info = db
        .prepare('INSERT INTO datasets (name, description, source, recipe, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(dataset.name, dataset.description, dataset.source, json(dataset.recipe), now);
      const id = Number(info.lastInsertRowid);
      db.prepare(
        `INSERT OR IGNORE INTO images (sha256, bytes, mime, width, height, size, created_at)
         SELECT sha256, bytes, mime, width, height, size, ? FROM staging.images`,
      ).run(now);
      db.exec(
        'INSERT OR IGNORE INTO image_thumbs (sha256, bytes, mime, width, height) SELECT sha256, bytes, mime, width, height FROM staging.thumbs',
      );
      db.prepare(
        `INSERT INTO samples (dataset_id, row_index, data_id, question, answer, candidate_answers, image_sha256, image_url,
                              data_source, category, split, prompt, search_need, extra)
         SELECT ?, row_index, data_id, question, answer, candidate_answers, image_sha256, image_url,
                data_source, category, split, prompt, search_need, extra FROM staging.samples ORDER BY row_index`,
      ).run(id);
      db.prepare(
        `INSERT INTO labels (sample_id, annotator, label, note, created_at)
         SELECT s.id, json_extract(j.value, '$.annotator'), json_extract(j.value, '$.label'), json_extract(j.value, '$.note'), ?
         FROM staging.samples st JOIN samples s ON s.dataset_id = ? AND s.row_index = st.row_index, json_each(st.labels) j
         WHERE st.labels IS NOT NULL`,
      ).run(now, id);
      return id;
    })();
  } finally {
    db.exec('DETACH DATABASE staging');
  }
}
