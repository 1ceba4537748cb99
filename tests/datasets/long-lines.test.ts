// JSONL is read as a stream of bounded lines: a line past the limit (a 900 MB row once ended the whole import with
// "Invalid string length") is reported as a bad row, and the rows after it are read.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempHome, removeTempHomes } from '../helpers/home';
import { jsonlSource } from '../../src/main/datasets/formats/jsonl';
import { boundedLines } from '../../src/main/platform/lines';

afterEach(removeTempHomes);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('bounded lines', () => {
  it('splits across chunk boundaries, keeps multi-byte text whole, drops \\r, and reports an over-long line', async () => {
    const text = 'first\r\nsé\u{1F600}cond\n' + 'x'.repeat(50) + '\nlast';
    const bytes = Buffer.from(text, 'utf8');
    // Three-byte chunks cut through the line ends and the multi-byte characters.
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
    expect(await collect(boundedLines(Readable.from(chunks), 20))).toEqual([
      { kind: 'line', text: 'first' },
      { kind: 'line', text: 'sé\u{1F600}cond' },
      { kind: 'too-long', bytes: 50 },
      { kind: 'line', text: 'last' },
    ]);
  });

  it('imports the rows around a line over the limit and rejects that one with its size', async () => {
    const file = path.join(tempHome('searchlab-data-'), 'rows.jsonl');
    const long = JSON.stringify({ question: 'q2', answer: 'a', image: 'A'.repeat(5000) });
    fs.writeFileSync(
      file,
      [JSON.stringify({ question: 'q1', answer: 'a' }), long, JSON.stringify({ question: 'q3', answer: 'a' })].join(
        '\n',
      ) + '\n',
    );
    const items = await collect(jsonlSource(file, 1000).rows());
    expect(items.map((i) => (i.kind === 'record' ? i.record.fields.question : i.rejection.reason))).toEqual([
      'q1',
      `the line is ${long.length} bytes, over the 1000 bytes limit for one row (store images as files or URLs, not inline)`,
      'q3',
    ]);
  });
});
