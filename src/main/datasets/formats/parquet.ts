// Parquet (veRL / FVQA rows, or HF-datasets shards) through hyparquet, one row group at a time so that a
// large file is never held in memory whole. Byte arrays without a UTF-8 annotation (image bytes) stay bytes.
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type FileMetaData } from 'hyparquet';
// GZIP, ZSTD, Brotli and LZ4 pages (snappy is built into hyparquet).
import { compressors } from 'hyparquet-compressors';
import { errorMessage } from '../../platform/errors';
import { ImportFileError, splitFromPath, type ReadItem, type RowSource } from './types';

/** Rows read per step inside a row group too large to read at once. */
const CHUNK_ROWS = 256;
const WHOLE_GROUP_BYTES = 256 * 1024 * 1024;

async function openParquet(
  file: string,
): Promise<{ buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>; metadata: FileMetaData }> {
  try {
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    return { buffer, metadata };
  } catch (error) {
    throw new ImportFileError(
      file,
      `not a readable parquet file (${errorMessage(error)}); is it truncated or still being written?`,
    );
  }
}

export async function parquetSource(files: string[], baseDir: string): Promise<RowSource> {
  const opened: ({ file: string } & Awaited<ReturnType<typeof openParquet>>)[] = [];
  for (const file of files) opened.push({ file, ...(await openParquet(file)) });
  const totalRows = opened.reduce((n, f) => n + Number(f.metadata.num_rows), 0);
  return {
    files,
    totalRows,
    async *rows(): AsyncGenerator<ReadItem> {
      for (const { file, buffer, metadata } of opened) {
        const shown = path.relative(baseDir, file) || path.basename(file);
        const split = splitFromPath(path.relative(baseDir, file));
        // Whole row groups when they are modest (reading part of one decodes its pages again), else slices.
        const steps: [number, number][] = [];
        let groupStart = 0;
        for (const group of metadata.row_groups) {
          const groupRows = Number(group.num_rows);
          const step = Number(group.total_byte_size) <= WHOLE_GROUP_BYTES ? groupRows : CHUNK_ROWS;
          for (let s = 0; s < groupRows; s += step)
            steps.push([groupStart + s, groupStart + Math.min(groupRows, s + step)]);
          groupStart += groupRows;
        }
        for (const [start, end] of steps) {
          let objects: Record<string, unknown>[];
          try {
            objects = (await parquetReadObjects({
              file: buffer,
              metadata,
              rowStart: start,
              rowEnd: end,
              utf8: false,
              compressors,
            })) as Record<string, unknown>[];
          } catch (error) {
            throw new ImportFileError(shown, `rows ${start + 1}–${end} cannot be read (${errorMessage(error)})`);
          }
          for (let i = 0; i < objects.length; i++)
            yield { kind: 'record', record: { file: shown, row: start + i + 1, fields: objects[i], split } };
        }
      }
    },
  };
}
