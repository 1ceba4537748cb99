// What every format reader yields: source records (a row's fields as read, before validation) or rows
// that could not even be read (a JSONL line that is not JSON). Rows count from 1 in every file.
import type { Rejection } from '../../../shared/contract';

export interface SourceRecord {
  file: string;
  row: number;
  fields: Record<string, unknown>;
  /** A split known from where the row came from (an HF shard named train-00000-of-00002.parquet). */
  split: string | null;
}

export type ReadItem = { kind: 'record'; record: SourceRecord } | { kind: 'bad'; rejection: Rejection };

export interface RowSource {
  files: string[];
  /** Rows in all files when the format knows it up front (parquet), else null. */
  totalRows: number | null;
  rows(): AsyncGenerator<ReadItem>;
}

/** A problem with a whole file (unreadable, truncated, too large): nothing from it can be trusted. */
export class ImportFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly row: number | null = null,
  ) {
    super(`${file}${row !== null ? `, row ${row}` : ''}: ${message}`);
    this.name = 'ImportFileError';
  }
}

/** "train-00000-of-00002.parquet" → "train"; also test/validation/dev folders. */
export function splitFromPath(file: string): string | null {
  const match = /(?:^|[\\/_.-])(train|test|validation|valid|val|dev)(?=[\\/_.-]|$)/i.exec(file);
  return match ? match[1].toLowerCase() : null;
}
