// JSON Lines: one object per line; a line that is not a JSON object is a bad row, not a bad file.
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../platform/errors';
import { boundedLines, MAX_LINE_BYTES } from '../../platform/lines';
import { splitFromPath, type ReadItem, type RowSource } from './types';

const size = (bytes: number) => (bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(0)} MB` : `${bytes} bytes`);

export function jsonlSource(file: string, maxLineBytes = MAX_LINE_BYTES): RowSource {
  const shown = path.basename(file);
  const split = splitFromPath(shown);
  return {
    files: [file],
    totalRows: null,
    async *rows(): AsyncGenerator<ReadItem> {
      let row = 0;
      for await (const item of boundedLines(
        fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>,
        maxLineBytes,
      )) {
        row++;
        if (item.kind === 'too-long') {
          yield {
            kind: 'bad',
            rejection: {
              file: shown,
              row,
              field: '(line)',
              reason: `the line is ${size(item.bytes)}, over the ${size(maxLineBytes)} limit for one row (store images as files or URLs, not inline)`,
            },
          };
          continue;
        }
        const line = item.text;
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          yield {
            kind: 'bad',
            rejection: { file: shown, row, field: '(line)', reason: `not JSON: ${errorMessage(error)}` },
          };
          continue;
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          yield { kind: 'bad', rejection: { file: shown, row, field: '(line)', reason: 'not a JSON object' } };
          continue;
        }
        yield { kind: 'record', record: { file: shown, row, fields: value as Record<string, unknown>, split } };
      }
    },
  };
}
