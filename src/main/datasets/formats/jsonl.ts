// JSON Lines: one object per line; a line that is not a JSON object is a bad row, not a bad file.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { errorMessage } from '../../platform/errors';
import { splitFromPath, type ReadItem, type RowSource } from './types';

export function jsonlSource(file: string): RowSource {
  const shown = path.basename(file);
  const split = splitFromPath(shown);
  return {
    files: [file],
    totalRows: null,
    async *rows(): AsyncGenerator<ReadItem> {
      const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
      let row = 0;
      for await (const line of lines) {
        row++;
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          yield { kind: 'bad', rejection: { file: shown, row, field: '(line)', reason: `not JSON: ${errorMessage(error)}` } };
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
