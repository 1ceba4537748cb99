// The dataset's samples as the export writes them, checked first: every row needs an answer and an image the
// trainer can decode (each image is decoded here, not judged by its MIME type), or nothing is written.
import sharp from 'sharp';
import type { Store } from '../../storage';
import { extOf } from '../../datasets';
import { errorMessage } from '../../platform/errors';

export interface ExportSample {
  index: number;
  sampleId: number;
  dataId: string;
  question: string;
  answer: string;
  candidates: string[];
  /** The search-need label; null when unlabelled (the reward reads it as "unknown"). */
  need: string | null;
  split: string;
  dataSource: string;
  image: Uint8Array;
  imageSha256: string;
  imagePath: string;
  /** What the method's image search is called with: the image's web address, or its content hash. */
  imageUrl: string;
}

export const SHA256_URL_PREFIX = 'sha256:';

/** The method's reward dispatch needs "mmsearch_r1" in the data source. */
export function methodDataSource(source: string | null, dataset: string): string {
  const base = source || dataset;
  return base.includes('mmsearch_r1') ? base : `mmsearch_r1/${base}`;
}

const PAGE = 500;

/** Decodes the whole image (a small resize reads every pixel); the reason it fails, or null when it decodes. */
async function decodeFailure(bytes: Uint8Array): Promise<string | null> {
  try {
    await sharp(bytes, { failOn: 'warning' }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    return null;
  } catch (error) {
    return errorMessage(error).split('\n')[0];
  }
}

export async function loadExportSamples(store: Store, datasetName: string): Promise<ExportSample[]> {
  const dataset = store.repos.datasets.find(datasetName);
  if (!dataset) throw new Error(`No dataset "${datasetName}"`);
  const needs = new Map(store.repos.trajectories.trainingRows(dataset.id, null).map((r) => [r.id, r.need]));
  const problems: string[] = [];
  const samples: ExportSample[] = [];
  const decoded = new Map<string, string | null>();
  for (let after = -1; ;) {
    const rows = store.repos.samples.rows(dataset.id, after, PAGE);
    if (rows.length === 0) break;
    for (const row of rows) {
      const where = `dataset "${datasetName}" row ${row.row_index}${row.data_id ? ` (${row.data_id})` : ''}`;
      if (!row.answer.trim()) problems.push(`${where}: no answer; the reward needs one`);
      if (!row.image_sha256) {
        problems.push(`${where}: no image; the method searches with the question's image`);
        continue;
      }
      const image = store.repos.images.get(row.image_sha256);
      const ext = image ? extOf[image.mime] : undefined;
      if (!image || !ext) {
        problems.push(
          `${where}: image ${row.image_sha256.slice(0, 12)} ${image ? `is ${image.mime}, which the trainer cannot decode` : 'is not stored'}`,
        );
        continue;
      }
      if (!decoded.has(row.image_sha256)) decoded.set(row.image_sha256, await decodeFailure(image.bytes));
      const failure = decoded.get(row.image_sha256);
      if (failure) {
        problems.push(`${where}: image ${row.image_sha256.slice(0, 12)} does not decode as ${image.mime} (${failure})`);
        continue;
      }
      samples.push({
        index: row.row_index,
        sampleId: row.id,
        dataId: row.data_id ?? String(row.row_index),
        question: row.question,
        answer: row.answer,
        candidates: JSON.parse(row.candidate_answers) as string[],
        need: needs.get(row.id) ?? row.search_need ?? null,
        split: row.split ?? 'train',
        dataSource: methodDataSource(row.data_source, datasetName),
        image: image.bytes,
        imageSha256: row.image_sha256,
        imagePath: `${row.image_sha256}.${ext}`,
        imageUrl: row.image_url ?? `${SHA256_URL_PREFIX}${row.image_sha256}`,
      });
    }
    after = rows[rows.length - 1].row_index;
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join('\n  ');
    throw new Error(
      `Cannot export "${datasetName}": ${problems.length} sample(s) the cluster could not train on; nothing was written.` +
        `\n  ${shown}${problems.length > 20 ? `\n  … ${problems.length - 20} more` : ''}`,
    );
  }
  if (samples.length === 0) throw new Error(`Cannot export "${datasetName}": it has no samples`);
  return samples;
}

/** Train and validation rows: the run's split for training, the other splits for validation; without any, every
 *  tenth training row is held out (at least one), so the cluster's validation dumps have something to show. */
export function splitTrainVal(
  samples: readonly ExportSample[],
  trainSplit: string,
): { train: ExportSample[]; val: ExportSample[] } {
  const train = samples.filter((s) => s.split === trainSplit);
  const val = samples.filter((s) => s.split !== trainSplit);
  if (train.length === 0) throw new Error(`No samples in the run's split "${trainSplit}"`);
  if (val.length > 0 || train.length < 2) return { train, val: val.length > 0 ? val : train.slice() };
  const held = train.filter((_, i) => i % 10 === 9);
  const heldOut = held.length > 0 ? held : [train[train.length - 1]];
  return { train: train.filter((s) => !heldOut.includes(s)), val: heldOut };
}
