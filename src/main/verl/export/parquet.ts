// train/val parquet in the layout the method's trainer reads (its mini_data.pq): `prompt` as chat messages,
// `images` as [{bytes, path}], `reward_model` {ground_truth, candidate_answers as a JSON string, style}, a
// `data_source` holding "mmsearch_r1" (the method's reward dispatch looks for it), `image_urls` (what its image
// search is called with) and `extra_info` (copied into compute_score's extra_info by veRL).
import type { SchemaElement } from 'hyparquet';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { parquetListColumn as list, parquetTextColumn as text, verlLeadingColumns } from '../../datasets';
import type { ExportSample } from './samples';

const ROWS_PER_GROUP = 500;

export const exportSchema: SchemaElement[] = [
  { name: 'schema', num_children: 7 },
  ...verlLeadingColumns,
  { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 8 },
  { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
  text('split'),
  text('question'),
  text('answer'),
  text('candidate_answers'),
  text('search_need'),
  text('data_id'),
  // Upstream veRL hands extra_info.tools_kwargs[tool].create_kwargs to the tool: the image search gets its image.
  { name: 'tools_kwargs', repetition_type: 'OPTIONAL', num_children: 1 },
  { name: 'image_search', repetition_type: 'OPTIONAL', num_children: 1 },
  { name: 'create_kwargs', repetition_type: 'OPTIONAL', num_children: 1 },
  text('image_url'),
  ...list('image_urls', [text('element')]),
];

/** The first user message: the question alone for the method (its round-1 prompt file holds the instructions and
 *  the <image> placeholder), the rendered question prompt after <image> for upstream veRL. */
export type PromptOf = (sample: ExportSample) => string;

export async function writeExportParquet(
  file: string,
  samples: readonly ExportSample[],
  promptOf: PromptOf,
): Promise<void> {
  const writer = new ParquetWriter({ writer: fileWriter(file), schema: exportSchema, createdBy: 'SearchLab' });
  for (let start = 0; start < samples.length || start === 0; start += ROWS_PER_GROUP) {
    const rows = samples.slice(start, start + ROWS_PER_GROUP);
    const col = <T>(fn: (s: ExportSample) => T) => rows.map(fn);
    await writer.write({
      rowGroupSize: ROWS_PER_GROUP,
      columnData: [
        { name: 'data_source', data: col((s) => s.dataSource) },
        { name: 'prompt', data: col((s) => [{ role: 'user', content: promptOf(s) }]) },
        { name: 'images', data: col((s) => [{ bytes: s.image, path: s.imagePath }]) },
        { name: 'ability', data: col(() => 'multimodal_search') },
        {
          name: 'reward_model',
          data: col((s) => ({
            ground_truth: s.answer,
            candidate_answers: JSON.stringify(s.candidates),
            style: 'rule',
          })),
        },
        {
          name: 'extra_info',
          data: col((s) => ({
            index: BigInt(s.index),
            split: s.split,
            question: s.question,
            answer: s.answer,
            candidate_answers: JSON.stringify(s.candidates),
            search_need: s.need,
            data_id: s.dataId,
            tools_kwargs: { image_search: { create_kwargs: { image_url: s.imageUrl } } },
          })),
        },
        { name: 'image_urls', data: col((s) => [s.imageUrl]) },
      ],
    });
    if (rows.length === 0) break;
  }
  writer.finish();
}
