// Export and import of the cache as JSONL: a header line, then one line per thumbnail image (base64, checked
// against its content address on import) and one per entry. An import is one transaction: a bad line names its
// number and nothing is written. The file is read under the file-access policy (a regular file within a size
// limit), line by line. Raw responses were redacted of keys when cached, so exports carry none.
import fs from 'node:fs';
import { z } from 'zod';
import { CacheMode, SearchEngineKind, SearchResultItem, SearchTool } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import { readChunksSyncWithin } from '../../platform/file-access';
import { boundedLinesSync, MAX_LINE_BYTES, tooLongLine } from '../../platform/lines';
import { publishFile } from '../../platform/write-folders';
import type { Store } from '../../storage';
import { sha256Hex } from '../../storage/repositories/images';

const FORMAT = 'searchlab.search-cache';

const Header = z.object({ format: z.literal(FORMAT), version: z.literal(1) });
const ImageLine = z.object({
  type: z.literal('image'),
  sha256: z.string().length(64),
  mime: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  base64: z.string(),
});
const EntryLine = z.object({
  type: z.literal('entry'),
  key: z.string().min(1),
  tool: SearchTool,
  engine: SearchEngineKind,
  query: z.string().nullable(),
  imageSha256: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  mode: CacheMode,
  output: z.string(),
  images: z.array(z.string()),
  results: z.array(SearchResultItem),
  raw: z.unknown(),
  latencyMs: z.number().nullable(),
  cost: z.number(),
  createdAt: z.number(),
});

function checkHeader(file: string, text: string): void {
  let header: unknown = null;
  try {
    header = JSON.parse(text);
  } catch {
    // reported below without echoing the file's content
  }
  if (!Header.safeParse(header).success)
    throw new Error(`${file} line 1: not a SearchLab search-cache export (expected format "${FORMAT}", version 1)`);
}

/**
 * Writes the cache to `file`, by way of a temporary file renamed at the end (a failed export leaves no half file).
 * An existing file is replaced only when `overwrite` says so: a mistyped path must not destroy someone's data.
 */
export function exportCache(store: Store, file: string, overwrite = false): { file: string; entries: number } {
  if (!overwrite && fs.existsSync(file))
    throw new ApiError('conflict', `${file} already exists: choose another name, or pass --overwrite to replace it`);
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  // 'wx': a link left at the temporary name is not followed.
  const fd = fs.openSync(partial, 'wx');
  let entries: number;
  try {
    try {
      entries = writeExport(store, fd);
    } finally {
      fs.closeSync(fd);
    }
    publishFile(partial, file, overwrite);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { file, entries };
}

/** Writes the header, then each entry after the images it shows (each image once); returns the entries written. */
function writeExport(store: Store, fd: number): number {
  let entries = 0;
  const written = new Set<string>();
  fs.writeSync(fd, JSON.stringify({ format: FORMAT, version: 1, exportedAt: Date.now() }) + '\n');
  let after = '';
  for (;;) {
    const page = store.repos.searchCache.page(after, 200);
    if (page.length === 0) return entries;
    for (const entry of page) {
      for (const sha of entry.images) {
        if (written.has(sha)) continue;
        const image = store.repos.images.get(sha);
        const meta = store.repos.images.meta(sha);
        if (!image || !meta) continue;
        fs.writeSync(
          fd,
          JSON.stringify({
            type: 'image',
            sha256: sha,
            mime: image.mime,
            width: meta.width,
            height: meta.height,
            base64: image.bytes.toString('base64'),
          }) + '\n',
        );
        written.add(sha);
      }
      const { hits: _hits, lastHitAt: _last, resultCount: _count, ...rest } = entry;
      fs.writeSync(fd, JSON.stringify({ type: 'entry', ...rest }) + '\n');
      entries++;
    }
    after = page[page.length - 1].key;
  }
}

/** A cache export larger than this is refused: its images and entries are held until the one transaction. */
const MAX_IMPORT_BYTES = 2 * 1024 ** 3;

export function importCache(store: Store, file: string): { imported: number; skipped: number } {
  const images: z.infer<typeof ImageLine>[] = [];
  const entries: z.infer<typeof EntryLine>[] = [];
  const chunks = readChunksSyncWithin(file, process.cwd(), { maxBytes: MAX_IMPORT_BYTES, confineTo: null });
  let n = 0;
  for (const line of boundedLinesSync(chunks)) {
    n++;
    if (line.kind === 'too-long') throw new Error(`${file} line ${n}: ${tooLongLine(line.bytes, MAX_LINE_BYTES)}`);
    if (n === 1) {
      checkHeader(file, line.text);
      continue;
    }
    if (!line.text.trim()) continue;
    let value: { type?: unknown };
    try {
      value = JSON.parse(line.text) as { type?: unknown };
    } catch (error) {
      throw new Error(`${file} line ${n}: not valid JSON (${(error as Error).message})`);
    }
    const schema = value?.type === 'image' ? ImageLine : EntryLine;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file} line ${n}: field "${issue.path.join('.') || 'type'}": ${issue.message}`);
    }
    if (parsed.data.type === 'image') {
      if (sha256Hex(Buffer.from(parsed.data.base64, 'base64')) !== parsed.data.sha256)
        throw new Error(`${file} line ${n}: the image's bytes do not match its sha256`);
      images.push(parsed.data);
    } else entries.push(parsed.data as z.infer<typeof EntryLine>);
  }
  if (n === 0) checkHeader(file, '');
  const known = new Set(images.map((im) => im.sha256));
  for (const [i, entry] of entries.entries()) {
    const missing = entry.images.find((sha) => !known.has(sha) && !store.repos.images.meta(sha));
    if (missing)
      throw new Error(
        `${file}: entry ${i + 1} (key ${entry.key.slice(0, 12)}…) refers to image ${missing.slice(0, 12)}… that the file does not contain`,
      );
  }
  let imported = 0;
  store.db.transaction(() => {
    for (const im of images)
      store.repos.images.put(Buffer.from(im.base64, 'base64'), { mime: im.mime, width: im.width, height: im.height });
    for (const { type: _type, ...entry } of entries)
      if (store.repos.searchCache.putIfAbsent({ ...entry, latencyMs: entry.latencyMs ?? 0 })) imported++;
  })();
  return { imported, skipped: entries.length - imported };
}
