// CSV with a header row, parsed by csv-parse. Image columns hold paths, URLs or base64 (resolved later).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { errorMessage } from '../../platform/errors';
import { ImportFileError, splitFromPath, type ReadItem, type RowSource } from './types';

export function csvSource(file: string): RowSource {
  const shown = path.basename(file);
  const split = splitFromPath(shown);
  return {
    files: [file],
    totalRows: null,
    async *rows(): AsyncGenerator<ReadItem> {
      const parser = fs
        .createReadStream(file)
        .pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
      let row = 0;
      try {
        for await (const record of parser as AsyncIterable<Record<string, string>>) {
          row++;
          // Empty cells mean "no value", as in a spreadsheet.
          const fields = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ''));
          yield { kind: 'record', record: { file: shown, row, fields, split } };
        }
      } catch (error) {
        throw new ImportFileError(shown, `CSV cannot be parsed after data row ${row} (${errorMessage(error)})`);
      }
    },
  };
}
