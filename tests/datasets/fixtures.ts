// Test data made by code: real JPEGs from sharp, and veRL parquet written the way pyarrow nests it.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parquetWriteFile } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

/** A real JPEG of one colour with a stripe, distinct for each seed. */
export async function jpeg(seed: number, width = 96, height = 64): Promise<Buffer> {
  const stripe = await sharp({
    create: {
      width: Math.max(4, width / 4),
      height,
      channels: 3,
      background: { r: 255 - ((seed * 37) % 255), g: 255, b: 255 },
    },
  })
    .png()
    .toBuffer();
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 151) % 256 },
    },
  })
    .composite([{ input: stripe, left: (seed * 7) % (width / 2), top: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

export interface VerlRow {
  question: string;
  answer: string;
  candidates: string[];
  image: Buffer | null;
  dataSource: string;
  dataId: string;
  category: string;
  imageUrl?: string;
}

const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL',
});

/** veRL / FVQA layout, as pandas + pyarrow write it (list<struct>, struct columns). */
export function writeVerlParquet(file: string, rows: VerlRow[], options: { answerless?: number[] } = {}): void {
  const schema: SchemaElement[] = [
    { name: 'schema', num_children: 7 },
    text('data_source'),
    { name: 'prompt', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
    text('content'),
    text('role'),
    { name: 'images', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
    text('path'),
    { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 3 },
    text('candidate_answers'),
    text('ground_truth'),
    text('style'),
    text('data_id'),
    text('category'),
    { name: 'image_urls', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    text('element'),
  ];
  parquetWriteFile({
    filename: file,
    schema,
    columnData: [
      { name: 'data_source', data: rows.map((r) => r.dataSource) },
      {
        name: 'prompt',
        data: rows.map((r) => [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: `${r.image ? '<image>' : ''}${r.question}` },
        ]),
      },
      { name: 'images', data: rows.map((r) => (r.image ? [{ bytes: new Uint8Array(r.image), path: null }] : [])) },
      {
        name: 'reward_model',
        data: rows.map((r, i) => ({
          ground_truth: options.answerless?.includes(i) ? null : r.answer,
          candidate_answers: JSON.stringify(r.candidates),
          style: 'rule',
        })),
      },
      { name: 'data_id', data: rows.map((r) => r.dataId) },
      { name: 'category', data: rows.map((r) => r.category) },
      { name: 'image_urls', data: rows.map((r) => (r.imageUrl ? [r.imageUrl] : [])) },
    ],
  });
}

export async function verlRows(count: number, distinctImages = count): Promise<VerlRow[]> {
  const images = await Promise.all(Array.from({ length: distinctImages }, (_, i) => jpeg(i + 1)));
  return Array.from({ length: count }, (_, i) => ({
    question: `What landmark is shown in picture ${i}?`,
    answer: `Landmark ${i}`,
    candidates: [`landmark ${i}`, `The Landmark ${i}`],
    image: images[i % distinctImages],
    dataSource: i % 3 === 0 ? 'infoseek' : 'fvqa',
    dataId: `fvqa-${i}`,
    category: i % 2 ? 'place' : 'object',
    imageUrl: i === 0 ? 'https://example.org/0.jpg' : undefined,
  }));
}

export function writeJsonl(file: string, lines: (object | string)[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}
