// The method's data files are imported by their content, not their names: parquet is told by its magic bytes, so
// mini_data.pq, an extensionless file and a folder of extensionless shards all import without --format, and other
// files beside the shards are left alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';
import { verlRows, writeVerlParquet } from '../datasets/fixtures';

afterEach(removeTempHomes);

describe("importing the method's own data files by their content", () => {
  it('imports mini_data.pq and an extensionless parquet file without --format, since parquet is told by its magic bytes', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const rows = await verlRows(3);
    const pq = path.join(dir, 'mini_data.pq');
    writeVerlParquet(pq, rows);
    const run = await cli('import', pq, '--dataset', 'mini', '--home', home, '--json');
    expect(run.err).toBe('');
    expect(run.json()).toEqual({ dataset: 'mini', imported: 3, rejected: [] });

    const bare = path.join(dir, 'fvqa_shard');
    fs.copyFileSync(pq, bare);
    expect((await cli('import', bare, '--dataset', 'bare', '--home', home, '--json')).json()).toMatchObject({
      imported: 3,
    });
  });

  it('still refuses a file that is neither parquet nor a known text format, naming the extension', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    const file = path.join(dir, 'notes.dat');
    fs.writeFileSync(file, 'PAR0 not parquet');
    const run = await cli('import', file, '--dataset', 'x', '--home', home);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('cannot tell the format from the extension ".dat"');
  });
});

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
