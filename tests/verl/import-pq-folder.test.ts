// A folder of parquet shards is listed by content: a shard without an extension (as some caches and exports name
// them) is read when it starts with parquet's magic bytes, and other files beside it are left alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';
import { verlRows, writeVerlParquet } from '../datasets/fixtures';

afterEach(removeTempHomes);

describe('importing a folder of parquet shards', () => {
  it('reads extensionless shards by their magic bytes and skips files that are not parquet', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const rows = await verlRows(5);
    writeVerlParquet(path.join(dir, 'train-00000-of-00002'), rows.slice(0, 3));
    writeVerlParquet(path.join(dir, 'train-00001-of-00002'), rows.slice(3));
    fs.writeFileSync(path.join(dir, 'README'), 'FVQA shards\n');
    fs.writeFileSync(path.join(dir, '.lock'), '');
    const run = await cli('import', dir, '--dataset', 'shards', '--home', home, '--json');
    expect(run.err).toBe('');
    expect(run.json()).toEqual({ dataset: 'shards', imported: 5, rejected: [] });
  });

  it('names what it looked for in a folder without parquet', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    fs.writeFileSync(path.join(dir, 'README'), 'nothing here\n');
    const run = await cli('import', dir, '--dataset', 'none', '--home', home);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(
      'the folder holds no .parquet or .pq files, nor any file that starts with parquet\'s magic bytes "PAR1"',
    );
  });
});
