import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browse } from '../../src/main/datasets/browse';
import { tempHome, removeTempHomes } from '../helpers/home';

afterEach(removeTempHomes);

describe("listing the engine machine's folders", () => {
  it('lists folders first, marks importable files, hides dot-files, and narrows to the typed name', () => {
    const dir = tempHome('searchlab-browse-');
    fs.mkdirSync(path.join(dir, 'shards'));
    fs.writeFileSync(path.join(dir, 'train.parquet'), 'x');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(dir, '.hidden.jsonl'), 'x');
    const all = browse(dir + path.sep);
    expect(all.dir).toBe(dir);
    expect(all.parent).toBe(path.dirname(dir));
    expect(all.entries.map((e) => [e.name, e.kind, e.importable])).toEqual([
      ['shards', 'dir', true],
      ['notes.txt', 'file', false],
      ['train.parquet', 'file', true],
    ]);
    expect(browse(path.join(dir, 'tr')).entries.map((e) => e.name)).toEqual(['train.parquet']);
    expect(() => browse(path.join(dir, 'missing', 'x'))).toThrow(/Cannot list .*missing: ENOENT/);
  });
});
