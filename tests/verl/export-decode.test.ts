// export-verl decodes every question image before writing anything: a JPEG cut short (its MIME type still says
// image/jpeg) is refused by name, as the trainer could not load it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { homePaths } from '../../src/main/platform/home';
import { removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';
import { seededExportHome } from './fixtures';

afterEach(removeTempHomes);

describe('export-verl and a corrupt image', () => {
  it('refuses a JPEG that does not decode, naming the sample, and writes nothing', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    const db = new Database(homePaths(home).database);
    try {
      db.exec(
        `UPDATE images SET bytes = substr(bytes, 1, 300)
         WHERE sha256 = (SELECT image_sha256 FROM samples WHERE row_index = 5)`,
      );
    } finally {
      db.close();
    }
    const out = path.join(dir, 'job');
    const run = await cli(
      'export-verl',
      '--run-config',
      runConfigFile,
      '--dataset',
      'seed',
      '--out',
      out,
      '--home',
      home,
    );
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/row 5 \(fvqa-5\): image [0-9a-f]{12} does not decode as image\/jpeg \(/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });
});
