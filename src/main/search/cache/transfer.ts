// Export and import of the cache as JSONL: a header line, then one line per thumbnail image (base64, checked
// against its content address on import) and one per entry. An import is one transaction: a bad line names its
// number and nothing is written. Raw responses were redacted of keys when cached, so exports carry none.
import fs from 'node:fs';
import { z } from 'zod';
import { CacheMode, SearchEngineKind, SearchResultItem, SearchTool } from '../../../shared/contract';
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

/** Refuses to overwrite a file that is not an earlier export: a mistyped path must not destroy someone's data. */
function checkOverwrite(file: string): void {
  if (!fs.existsSync(file)) return;
  if (!fs.statSync(file).isFile()) throw new Error(`${file} is not a file`);
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(200);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const text = head.subarray(0, n).toString('utf8');
  if (n > 0 && !text.startsWith(`{"format":"${FORMAT}"`))
    throw new Error(`${file} exists and is not a SearchLab search-cache export; choose another file`);
}

export function exportCache(store: Store, file: string): { file: string; entries: number } {
  checkOverwrite(file);
  const fd = fs.openSync(file, 'w');
  let entries = 0;
  const written = new Set<string>();
  try {
    fs.writeSync(fd, JSON.stringify({ format: FORMAT, version: 1, exportedAt: Date.now() }) + '\n');
    let after = '';
    for (;;) {
      const page = store.repos.searchCache.page(after, 200);
      if (page.length === 0) break;
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
  } finally {
    fs.closeSync(fd);
  }
  return { file, entries };
}

export function importCache(store: Store, file: string): { imported: number; skipped: number } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  const parse = (i: number): unknown => {
    try {
      return JSON.parse(lines[i]);
    } catch (error) {
      throw new Error(`${file} line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
  };
  let header: unknown = null;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    // reported below without echoing the file's content
  }
  if (!Header.safeParse(header).success)
    throw new Error(`${file} line 1: not a SearchLab search-cache export (expected format "${FORMAT}", version 1)`);
  const images: z.infer<typeof ImageLine>[] = [];
  const entries: z.infer<typeof EntryLine>[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const value = parse(i) as { type?: unknown };
    const schema = value?.type === 'image' ? ImageLine : EntryLine;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file} line ${i + 1}: field "${issue.path.join('.') || 'type'}": ${issue.message}`);
    }
    if (parsed.data.type === 'image') {
      if (sha256Hex(Buffer.from(parsed.data.base64, 'base64')) !== parsed.data.sha256)
        throw new Error(`${file} line ${i + 1}: the image's bytes do not match its sha256`);
      images.push(parsed.data);
    } else entries.push(parsed.data as z.infer<typeof EntryLine>);
  }
  const known = new Set(images.map((im) => im.sha256));
  for (const [n, entry] of entries.entries()) {
    const missing = entry.images.find((sha) => !known.has(sha) && !store.repos.images.meta(sha));
    if (missing)
      throw new Error(
        `${file}: entry ${n + 1} (key ${entry.key.slice(0, 12)}…) refers to image ${missing.slice(0, 12)}… that the file does not contain`,
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
