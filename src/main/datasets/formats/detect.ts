// Which reader a path needs, and the up-front size check (a 2 GB file is refused before it is read).
import fs from 'node:fs';
import path from 'node:path';
import type { ImportFormat } from '../../../shared/contract';
import { csvSource } from './csv';
import { jsonlSource } from './jsonl';
import { parquetSource } from './parquet';
import { ImportFileError, type RowSource } from './types';
import { pushAll } from '../../platform/arrays';

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1];
  }
  return last === 10 ? lines : lines + 1;
}

/** A folder's parquet shards: by extension, or by content for the rest (shards saved without an extension). */
function listParquet(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pushAll(out, listParquet(full));
    // Links are followed (a Hugging Face cache links its shards), but only to regular files.
    else if (
      fs.statSync(full, { throwIfNoEntry: false })?.isFile() &&
      (/\.(parquet|pq)$/.test(entry.name) || readableParquet(full))
    )
      out.push(full);
  }
  return out.sort();
}

/** Whether a file beside the shards starts with parquet's magic bytes; one that cannot be read is not a shard. */
function readableParquet(file: string): boolean {
  try {
    return startsWithParquetMagic(file);
  } catch {
    return false;
  }
}

/** Parquet files begin with the magic bytes "PAR1", whatever they are called (the method ships `.pq`). */
function startsWithParquetMagic(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'PAR1';
  } finally {
    fs.closeSync(fd);
  }
}

function formatOf(file: string, requested: ImportFormat): Exclude<ImportFormat, 'auto'> {
  if (requested !== 'auto') return requested;
  if (startsWithParquetMagic(file)) return 'parquet';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new ImportFileError(
    path.basename(file),
    `cannot tell the format from the extension "${ext}"; use .parquet, .jsonl or .csv, or name the format`,
  );
}

export async function openSource(
  input: string,
  requested: ImportFormat,
  maxBytes: number,
): Promise<{ source: RowSource; baseDir: string }> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new ImportFileError(input, 'no such file or folder');
  }
  // A device or a FIFO never ends or never starts: only regular files (and folders of them) are read.
  if (!stat.isFile() && !stat.isDirectory())
    throw new ImportFileError(
      input,
      'not a regular file or a folder (a device, a FIFO or a socket); only files and folders are imported',
    );
  const files = stat.isDirectory() ? listParquet(input) : [input];
  if (stat.isDirectory() && files.length === 0)
    throw new ImportFileError(
      input,
      'the folder holds no .parquet or .pq files, nor any file that starts with parquet\'s magic bytes "PAR1"',
    );
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  if (bytes > maxBytes) {
    throw new ImportFileError(
      input,
      `the file is ${formatBytes(bytes)}, over the import limit of ${formatBytes(maxBytes)}; ` +
        'split it into parquet shards in a folder, or raise the limit (--max-bytes)',
    );
  }
  const baseDir = stat.isDirectory() ? input : path.dirname(input);
  if (stat.isDirectory()) return { source: await parquetSource(files, baseDir), baseDir };
  const format = formatOf(input, requested);
  if (format === 'parquet') return { source: await parquetSource(files, baseDir), baseDir };
  // Counting lines first (a fast byte scan) gives the progress bar its end.
  const lines = await countLines(input);
  if (format === 'jsonl') return { source: { ...jsonlSource(input), totalRows: lines }, baseDir };
  return { source: { ...csvSource(input), totalRows: Math.max(0, lines - 1) }, baseDir };
}
