// An export: written to a temporary name and renamed at the end, so a failed export leaves no half file.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { DatasetExportParams, ExportResult } from '../../../shared/contract';
import { publishFile } from '../../platform/write-folders';
import type { Store } from '../../storage';
import { exportJsonl } from './jsonl';
import { exportVerl } from './verl';

export type ExportParams = z.output<typeof DatasetExportParams>;

export async function exportDataset(
  store: Store,
  params: ExportParams,
  progress: (done: number, total: number) => void,
): Promise<ExportResult> {
  const dataset = store.repos.datasets.find(params.dataset);
  if (!dataset) throw new Error(`No dataset "${params.dataset}"`);
  const total = store.repos.datasets.summary(dataset.id)!.samples;
  const out = path.resolve(params.out);
  if (!params.overwrite && fs.existsSync(out))
    throw new Error(`${out} already exists: choose another name, or pass --overwrite to replace it`);
  fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
  const partial = `${out}.partial`;
  const onRows = (n: number) => progress(n, total);
  let rows: number;
  try {
    if (params.format === 'verl') rows = await exportVerl(store, dataset.id, partial, onRows);
    else {
      const imagesDir = path.join(path.dirname(out), `${path.basename(out, path.extname(out))}_images`);
      rows = await exportJsonl(store, dataset.id, partial, imagesDir, onRows);
    }
    publishFile(partial, out, params.overwrite === true);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { dataset: dataset.name, format: params.format, path: out, rows, bytes: fs.statSync(out).size };
}
