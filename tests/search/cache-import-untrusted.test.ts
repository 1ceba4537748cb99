// A cache file is named by whoever calls search.cache.import: a device or a FIFO in its place is refused at once
// (one would fill memory, the other block the engine forever), and nothing of a refused file is imported.
// An export never replaces an existing file unless asked to.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSearchToolbox } from '../../src/main/search/tools/toolbox';
import { SearchService } from '../../src/main/search/service';
import { removeTempHomes } from '../helpers/home';
import { startFakeServices, type FakeServices } from './fakes';
import { FAKE_KEY, freshStore, webConfig } from './helpers';

let fakes: FakeServices;
beforeAll(async () => {
  fakes = await startFakeServices();
});
afterAll(() => fakes.close());
afterEach(removeTempHomes);

const entryCount = (service: SearchService) => service.stats().entries;

/** A store holding two cache entries, and its service. */
async function filledCache() {
  const { store, home } = freshStore();
  const tools = createSearchToolbox({ store, config: webConfig(fakes.baseUrl), key: () => FAKE_KEY });
  await tools.textSearch('first query');
  await tools.textSearch('second query');
  return { store, home, service: new SearchService({ store, home }) };
}

describe('importing a search cache from a path that is not a regular file', () => {
  it('refuses /dev/zero at once, naming it, and imports nothing', () => {
    const { store, home } = freshStore();
    const service = new SearchService({ store, home });
    const started = Date.now();
    expect(() => service.importCache('/dev/zero')).toThrow('/dev/zero is not a regular file (a character device)');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(entryCount(service)).toBe(0);
    store.close();
  });

  it('refuses a FIFO at once instead of waiting for a writer, naming it', () => {
    const { store, home } = freshStore();
    const fifo = path.join(home, 'cache.jsonl');
    execFileSync('mkfifo', [fifo]);
    const service = new SearchService({ store, home });
    const started = Date.now();
    expect(() => service.importCache(fifo)).toThrow(`${fifo} is not a regular file (a FIFO)`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(entryCount(service)).toBe(0);
    store.close();
  });

  it('imports nothing from an export with a bad line after good ones, naming the line', async () => {
    const a = await filledCache();
    const file = path.join(a.home, 'cache.jsonl');
    a.service.exportCache(file);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    fs.writeFileSync(file, [...lines, '{"type":"entry","key":'].join('\n') + '\n');
    const b = freshStore();
    const other = new SearchService({ store: b.store, home: b.home });
    expect(() => other.importCache(file)).toThrow(`${file} line 4: not valid JSON`);
    expect(entryCount(other)).toBe(0);
    a.store.close();
    b.store.close();
  });
});

describe('exporting the search cache onto an existing file', () => {
  it('refuses without overwrite and leaves the file as it was', async () => {
    const { store, home, service } = await filledCache();
    const file = path.join(home, 'notes.jsonl');
    fs.writeFileSync(file, 'my notes\n');
    expect(() => service.exportCache(file)).toThrow(
      `${file} already exists: choose another name, or pass --overwrite to replace it`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes\n');
    expect(fs.readdirSync(home)).not.toContain('notes.jsonl.partial');
    store.close();
  });

  it('replaces it with overwrite, leaving no temporary file, and the new file imports', async () => {
    const { store, home, service } = await filledCache();
    const file = path.join(home, 'cache.jsonl');
    fs.writeFileSync(file, 'an older file\n');
    expect(service.exportCache(file, true)).toEqual({ file, entries: 2 });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^\{"format":"searchlab\.search-cache"/);
    expect(fs.readdirSync(home).filter((f) => f.startsWith('cache.jsonl'))).toEqual(['cache.jsonl']);
    const b = freshStore();
    expect(new SearchService({ store: b.store, home: b.home }).importCache(file)).toEqual({ imported: 2, skipped: 0 });
    store.close();
    b.store.close();
  });
});
