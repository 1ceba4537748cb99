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
