// What import-rollouts refuses in a file from elsewhere: a line over the length limit and a step number no run
// reaches are bad lines named by file and line, so nothing is imported (and no loop runs to that step).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { importRollouts } from '../../src/main/verl/import';
import { removeTempHomes, tempHome } from '../helpers/home';

afterEach(removeTempHomes);

const line = (step: number, output = '<answer>Golden Gate</answer>') =>
  JSON.stringify({ input: 'Question: Which bridge is this?', output, gts: 'Golden Gate', score: 1, step });

function withStore<T>(body: (store: Store, dir: string) => T): T {
  const store = openStore(homePaths(tempHome()).database);
  try {
    return body(store, tempHome('searchlab-verl-'));
  } finally {
    store.close();
  }
}

describe('import-rollouts on an untrusted file', () => {
  it('lists a line over the limit by file and line, and imports nothing', () =>
    withStore((store, dir) => {
      const file = path.join(dir, '1.jsonl');
      const long = line(1, 'x'.repeat(400));
      fs.writeFileSync(file, [line(1), long, line(1)].join('\n') + '\n');
      const result = importRollouts(store, { path: file, run: 'cluster', groupSize: 1, maxLineBytes: 300 });
      expect(result).toMatchObject({ committed: false, runId: null });
      expect(result.bad).toEqual([
        { file: '1.jsonl', line: 2, reason: `the line is ${long.length} bytes, over the 300 bytes limit for one line` },
      ]);
      expect(store.repos.runs.byName('cluster')).toBeFalsy();
      // Skipping bad lines imports the others.
      expect(
        importRollouts(store, { path: file, run: 'cluster', groupSize: 1, maxLineBytes: 300, skipBad: true }),
      ).toMatchObject({ committed: true, trajectories: 2, steps: [1] });
    }));

  it('refuses a step number no run reaches, naming file and line, before marking any step', () =>
    withStore((store, dir) => {
      const file = path.join(dir, 'rollouts.jsonl');
      fs.writeFileSync(file, [line(1), line(2), line(1e12)].join('\n') + '\n');
      const started = Date.now();
      const result = importRollouts(store, { path: file, run: 'cluster', groupSize: 1 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result.committed).toBe(false);
      expect(result.bad).toEqual([
        { file: 'rollouts.jsonl', line: 3, reason: '"step" is 1000000000000, past the 100000 steps any run takes' },
      ]);
      const imported = importRollouts(store, { path: file, run: 'cluster', groupSize: 1, skipBad: true });
      expect(imported).toMatchObject({ committed: true, steps: [1, 2] });
      const config = store.repos.runs.get(imported.runId!)?.config as { grpo: { steps: number } };
      expect(config.grpo.steps).toBe(2);
    }));
});
