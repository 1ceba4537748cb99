// An import: read every row, validate it, decode its image, stage it in a scratch file; then, only if no row
// was bad (or the user asked to skip bad rows), copy everything into the database in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { DatasetImportParams, ImportResult, Rejection } from '../../../shared/contract';
import type { Store } from '../../storage';
import {
  commitStaging,
  openStaging,
  type StagedImage,
  type StagedSample,
} from '../../storage/repositories/datasets-staging';
import { sha256Hex } from '../../storage/repositories/images';
import { openSource } from '../formats/detect';
import { normalizeRecord, type NormalizedRow } from '../formats/normalize';
import { ImportFileError, type SourceRecord } from '../formats/types';
import { ImageError, inspectImage, loadImageBytes } from '../images/decode';

export type ImportParams = z.output<typeof DatasetImportParams>;

export interface ImportHooks {
  progress(done: number, total: number | null, message: string): void;
  throwIfCancelled(): void;
}

/** Rows validated and staged per step; images of a step are decoded a few at a time. */
const BATCH_ROWS = 128;
const IMAGE_CONCURRENCY = 4;
/** A result lists at most this many bad rows, then says how many more there were. */
const MAX_LISTED_REJECTIONS = 10_000;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

export class DatasetExistsError extends Error {}

/** Scratch files of imports whose worker was killed (the engine stopped mid-import) are removed a day later. */
function removeStaleStaging(dir: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of fs.readdirSync(dir)) {
    if (!/^import-[\w-]+\.sqlite$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < dayAgo) fs.rmSync(file, { force: true });
    } catch {
      // another import may be removing it at the same moment
    }
  }
}

export async function importDataset(
  store: Store,
  home: string,
  params: ImportParams,
  hooks: ImportHooks,
): Promise<ImportResult> {
  if (store.repos.datasets.exists(params.dataset)) {
    throw new DatasetExistsError(
      `A dataset named "${params.dataset}" already exists: choose another name or delete it first`,
    );
  }
  const input = path.resolve(params.path);
  hooks.progress(0, null, `Opening ${path.basename(input)}`);
  const { source, baseDir } = await openSource(input, params.format, params.maxBytes);
  const tmpDir = path.join(home, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  removeStaleStaging(tmpDir);
  const staging = openStaging(path.join(tmpDir, `import-${randomUUID()}.sqlite`));
  try {
    const rejected: Rejection[] = [];
    let rejectedRows = 0;
    const reject = (items: Rejection[]) => {
      rejectedRows++;
      for (const r of items) if (rejected.length < MAX_LISTED_REJECTIONS) rejected.push(r);
    };
    // Each distinct image is decoded once: hash → null when it is fine, else why it is not an image.
    const images = new Map<string, Promise<string | null>>();
    const byPath = new Map<string, { sha: string; verdict: Promise<string | null> }>();
    let pendingImages: StagedImage[] = [];
    let batch: { record: SourceRecord; row: NormalizedRow }[] = [];
    let imported = 0;
    let read = 0;

    const stageImage = (bytes: Uint8Array): { sha: string; verdict: Promise<string | null> } => {
      const sha = sha256Hex(bytes);
      let verdict = images.get(sha);
      if (!verdict) {
        verdict = inspectImage(bytes).then(
          (image) => {
            pendingImages.push(image);
            return null;
          },
          (error: unknown) => {
            if (error instanceof ImageError) return error.message;
            throw error;
          },
        );
        images.set(sha, verdict);
      }
      return { sha, verdict };
    };

    const flush = async () => {
      const resolved = await mapLimit(batch, IMAGE_CONCURRENCY, async ({ record, row }) => {
        if (!row.image) return { sha: null, problem: null };
        try {
          // Many rows share one image file: read and hash each path once.
          const key = row.image.kind === 'path' ? path.resolve(baseDir, row.image.path) : null;
          const known = key ? byPath.get(key) : undefined;
          const { sha, verdict } = known ?? stageImage(await loadImageBytes(row.image, baseDir, params));
          if (key && !known) byPath.set(key, { sha, verdict });
          const problem = await verdict;
          return {
            sha,
            problem:
              problem === null ? null : { file: record.file, row: record.row, field: row.image.field, reason: problem },
          };
        } catch (error) {
          if (error instanceof ImageError)
            return {
              sha: null,
              problem: { file: record.file, row: record.row, field: row.image.field, reason: error.message },
            };
          throw error;
        }
      });
      const samples: StagedSample[] = [];
      batch.forEach(({ row }, i) => {
        const { sha, problem } = resolved[i];
        if (problem) return reject([problem]);
        samples.push({ ...row, rowIndex: imported++, imageSha256: sha });
      });
      staging.write(samples, pendingImages);
      pendingImages = [];
      batch = [];
    };

    for await (const item of source.rows()) {
      read++;
      if (item.kind === 'bad') reject([item.rejection]);
      else {
        const normalized = normalizeRecord(item.record);
        if (normalized.row) batch.push({ record: item.record, row: normalized.row });
        else reject(normalized.rejections);
      }
      if (batch.length >= BATCH_ROWS || read % 1000 === 0) {
        await flush();
        hooks.throwIfCancelled();
        hooks.progress(
          read,
          source.totalRows,
          `Checked ${read.toLocaleString('en')} rows${rejectedRows ? `, ${rejectedRows} bad` : ''}`,
        );
      }
    }
    await flush();
    if (read === 0) throw new ImportFileError(path.basename(input), 'holds no rows');
    if (rejectedRows > rejected.length)
      rejected.push({
        file: path.basename(input),
        row: null,
        field: '(more)',
        reason: `and more: ${rejectedRows} bad rows in all`,
      });

    const base = { dataset: params.dataset, rejected };
    if (rejectedRows > 0 && !params.skipBad) {
      hooks.progress(read, read, `Nothing imported: ${rejectedRows} bad row(s); fix them or import with skip-bad`);
      return { ...base, datasetId: null, committed: false, imported: 0, images: 0 };
    }
    if (imported === 0) {
      hooks.progress(read, read, 'Nothing imported: every row was bad');
      return { ...base, datasetId: null, committed: false, imported: 0, images: 0 };
    }
    hooks.throwIfCancelled();
    hooks.progress(read, read, `Writing ${imported.toLocaleString('en')} samples to the database`);
    const datasetId = commitStaging(store.db, staging.file, {
      name: params.dataset,
      description: params.description,
      source: input,
    });
    const summary = store.repos.datasets.summary(datasetId)!;
    hooks.progress(
      read,
      read,
      `Imported ${imported.toLocaleString('en')} samples${rejectedRows ? `, skipped ${rejectedRows} bad row(s)` : ''}`,
    );
    return { ...base, datasetId, committed: true, imported, images: summary.images };
  } finally {
    staging.close();
  }
}
