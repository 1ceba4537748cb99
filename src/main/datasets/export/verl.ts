// veRL / MMSearch-R1 parquet: the layout veRL's RLHFDataset reads (prompt messages, images as {bytes, path},
// reward_model with ground_truth and candidate_answers as a JSON string), written with hyparquet-writer in
// row groups so that a large dataset never sits in memory whole.
import type { SchemaElement } from 'hyparquet';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { Store } from '../../storage';
import type { StoredSample } from '../../storage/repositories/samples';

const ROWS_PER_GROUP = 500;

export const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL',
});
export const list = (name: string, element: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...element,
];

/** The columns every veRL / MMSearch-R1 parquet starts with: data_source, prompt, images, ability, reward_model. */
export const verlLeadingColumns: SchemaElement[] = [
  text('data_source'),
  ...list('prompt', [{ name: 'element', repetition_type: 'OPTIONAL', num_children: 2 }, text('role'), text('content')]),
  ...list('images', [
    { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
    text('path'),
  ]),
  text('ability'),
  { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 3 },
  text('ground_truth'),
  text('candidate_answers'),
  text('style'),
];

/** The same nesting pyarrow writes for list<struct<…>> and struct columns. */
export const verlSchema: SchemaElement[] = [
  { name: 'schema', num_children: 9 },
  ...verlLeadingColumns,
  { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 5 },
  { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
  text('split'),
  text('question'),
  text('answer'),
  text('search_need'),
  text('data_id'),
  text('category'),
  ...list('image_urls', [text('element')]),
];

export const extOf: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

function extraOf(s: StoredSample): Record<string, unknown> {
  return s.extra ? (JSON.parse(s.extra) as Record<string, unknown>) : {};
}

function promptFor(s: StoredSample): { role: string; content: string }[] {
  if (s.prompt) return JSON.parse(s.prompt) as { role: string; content: string }[];
  return [{ role: 'user', content: `${s.image_sha256 ? '<image>' : ''}${s.question}` }];
}

export async function exportVerl(
  store: Store,
  datasetId: number,
  out: string,
  onRows: (n: number) => void,
): Promise<number> {
  const writer = new ParquetWriter({ writer: fileWriter(out), schema: verlSchema, createdBy: 'SearchLab' });
  let after = -1;
  let written = 0;
  for (;;) {
    const rows = store.repos.samples.rows(datasetId, after, ROWS_PER_GROUP);
    if (rows.length === 0) break;
    const images = rows.map((s) => {
      if (!s.image_sha256) return [];
      const image = store.repos.images.get(s.image_sha256);
      if (!image) throw new Error(`Sample ${s.row_index} refers to image ${s.image_sha256}, which is not stored`);
      return [{ bytes: new Uint8Array(image.bytes), path: `${s.image_sha256}.${extOf[image.mime] ?? 'img'}` }];
    });
    const col = <T>(fn: (s: StoredSample, i: number) => T) => rows.map(fn);
    await writer.write({
      rowGroupSize: ROWS_PER_GROUP,
      columnData: [
        { name: 'data_source', data: col((s) => s.data_source) },
        { name: 'prompt', data: col(promptFor) },
        { name: 'images', data: images },
        { name: 'ability', data: col((s) => extraOf(s).ability ?? null) },
        {
          name: 'reward_model',
          data: col((s) => ({ ground_truth: s.answer, candidate_answers: s.candidate_answers, style: 'rule' })),
        },
        {
          name: 'extra_info',
          data: col((s) => ({
            index: BigInt(s.row_index),
            split: s.split,
            question: s.question,
            answer: s.answer,
            search_need: s.search_need,
          })),
        },
        { name: 'data_id', data: col((s) => s.data_id) },
        { name: 'category', data: col((s) => s.category) },
        { name: 'image_urls', data: col((s) => (s.image_url ? [s.image_url] : [])) },
      ],
    });
    written += rows.length;
    after = rows[rows.length - 1].row_index;
    onRows(written);
    await new Promise((resolve) => setImmediate(resolve));
  }
  writer.finish();
  return written;
}
