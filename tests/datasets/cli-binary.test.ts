// The real `searchlab` binary, as a script would call it: stdout carries exactly one JSON document.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { verlRows, writeJsonl, writeVerlParquet } from './fixtures';

afterEach(removeTempHomes);
const run = promisify(execFile);

async function searchlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot, 'bin', 'searchlab.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, SEARCHLAB_LOG: 'warn' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('searchlab import / export / datasets', () => {
  it('prints one JSON object for import --json, lists datasets as JSON, and exports veRL parquet', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-data-');
    writeVerlParquet(path.join(dir, 'train.parquet'), await verlRows(3));
    writeJsonl(path.join(dir, 'bad.jsonl'), [{ question: 'q1', answer: 'a1' }, { question: 'q2' }]);

    const imported = await searchlab(
      'import',
      path.join(dir, 'train.parquet'),
      '--dataset',
      'fvqa',
      '--home',
      home,
      '--json',
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ dataset: 'fvqa', imported: 3, rejected: [] });

    const refused = await searchlab(
      'import',
      path.join(dir, 'bad.jsonl'),
      '--dataset',
      'bad',
      '--home',
      home,
      '--json',
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({
      dataset: 'bad',
      imported: 0,
      rejected: [{ file: 'bad.jsonl', row: 2, field: 'answer', reason: 'missing: no answer' }],
    });

    const human = await searchlab(
      'import',
      path.join(dir, 'bad.jsonl'),
      '--dataset',
      'bad',
      '--home',
      home,
      '--skip-bad',
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Imported 1 samples \(0 images\) into "bad"; skipped 1 bad row\(s\)\.\n$/);
    expect(human.stderr).toContain('bad.jsonl row 2, answer: missing: no answer');

    const listed = await searchlab('datasets', '--home', home, '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: 'bad', samples: 1, images: 0, labels: {} },
      { name: 'fvqa', samples: 3, images: 3, labels: {} },
    ]);

    const balanced = await searchlab(
      'datasets',
      'balance',
      'fvqa',
      '--name',
      'fvqa-bal',
      '--ratio',
      '0.5',
      '--label-source',
      'construction',
      '--home',
      home,
      '--json',
    );
    // The fixture rows carry no search need, so no subset is possible, and the error says why.
    expect(balanced.code).toBe(1);
    expect(balanced.stderr).toMatch(
      /No balanced subset is possible: 0 search-required and 0 search-free samples are known \(3 have no usable label\)/,
    );
    expect(
      (await searchlab('datasets', 'balance', 'fvqa', '--name', 'x', '--ratio', 'lots', '--home', home)).stderr,
    ).toMatch(/--ratio must be a number/);
    writeJsonl(
      path.join(dir, 'needs.jsonl'),
      Array.from({ length: 12 }, (_, i) => ({
        question: `q${i}`,
        answer: `a${i}`,
        data_source: i % 2 ? 'x' : 'y',
        search_need: i % 3 === 0 ? 'search_free' : 'text_search',
      })),
    );
    expect(
      (await searchlab('import', path.join(dir, 'needs.jsonl'), '--dataset', 'needs', '--home', home, '--json')).code,
    ).toBe(0);
    const made = await searchlab(
      'datasets',
      'balance',
      'needs',
      '--name',
      'needs-bal',
      '--ratio',
      '0.5',
      '--seed',
      '3',
      '--home',
      home,
      '--json',
    );
    expect(made.code).toBe(0);
    // Per source: 4 need search, 2 are search-free → 2 + 2 each at a 50% share.
    expect(JSON.parse(made.stdout)).toMatchObject({
      name: 'needs-bal',
      samples: 8,
      recipe: { kind: 'balanced-subset', from: { name: 'needs' }, searchRequiredFraction: 0.5, seed: 3 },
    });
    const deleted = await searchlab('datasets', 'delete', 'bad', '--home', home);
    expect(deleted.stdout).toContain('Deleted "bad"');

    const out = path.join(dir, 'out.parquet');
    const exported = await searchlab('export', 'fvqa', '--format', 'verl', '--out', out, '--home', home);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`Exported 3 samples of "fvqa" to ${out}`);
    const missing = await searchlab('export', 'nope', '--format', 'verl', '--out', out, '--home', home);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No dataset "nope"');
    const usage = await searchlab('export', 'fvqa', '--format', 'csv', '--out', out, '--home', home);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format must be verl or jsonl/);
  });
});
