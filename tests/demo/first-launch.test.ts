// The embedded default survives a crash: a demo interrupted on first launch picks up where it was on the next start.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { homePaths } from '../../src/main/platform/home';
import { isProcessAlive } from '../../src/main/platform/process-alive';
import { serve, connect } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';

afterAll(removeTempHomes);

describe('the demo world on first launch', () => {
  it('resumes after the engine and its job are killed mid-build, without importing the world twice', async () => {
    const home = tempHome();
    const first = await serve(home, ['--demo']);
    const client = await connect(first);
    // Wait until the world is imported (the dataset exists), then kill the engine and the demo job's process without
    // warning (the job alone would go on, and the next engine would follow it: tests/integration/crash.test.ts).
    await expect
      .poll(async () => (await client.request('datasets.list')).result.length, { timeout: 120_000, interval: 250 })
      .toBe(1);
    const db = new Database(homePaths(home).database, { readonly: true });
    const { owner_pid: jobPid } = db.prepare(`SELECT owner_pid FROM jobs WHERE kind = 'demo.run'`).get() as {
      owner_pid: number;
    };
    db.close();
    first.child.kill('SIGKILL');
    await first.stop();
    process.kill(jobPid, 'SIGKILL');
    await expect.poll(() => isProcessAlive(jobPid)).toBe(false);

    const second = await serve(home, ['--demo']);
    const again = await connect(second);
    try {
      await expect.poll(() => second.output(), { timeout: 30_000 }).toContain('Building the demo world');
      const jobs = (await again.request('jobs.list', {})).result as { kind: string; status: string }[];
      const demos = jobs.filter((j) => j.kind === 'demo.run');
      expect(demos.map((j) => j.status)).toEqual([expect.stringMatching(/queued|running/), 'interrupted']);
      await expect
        .poll(
          async () =>
            ((await again.request('jobs.list', {})).result as { kind: string; message: string | null }[]).find(
              (j) => j.kind === 'demo.run',
            )?.message ?? '',
          { timeout: 120_000, interval: 250 },
        )
        .toMatch(/Pre-training|GRPO|Evaluating/);
      expect((await again.request('datasets.list')).result).toHaveLength(1);
      const cancel = demos[0] as unknown as { id: number };
      await again.request('jobs.cancel', { id: cancel.id });
    } finally {
      again.close();
      await second.stop();
    }
  });
});
