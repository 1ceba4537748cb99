// One writer per data folder: beside a running `searchlab serve`, another engine (a CLI command) reads but starts
// no jobs and leaves serve's running jobs alone; once serve is gone (stopped or killed), the next engine takes the
// folder over and recovers the jobs it left running.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/main/engine/engine';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { LOCK_FILE } from '../../src/main/platform/folder-lock';
import { serve } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';

afterEach(removeTempHomes);

/** A job row as serve's own job manager leaves it while the job runs, in process `ownerPid`. */
function runningJob(home: string, ownerPid: number): number {
  const store = openStore(homePaths(home).database);
  try {
    const job = store.repos.jobs.insert('storage.verify', 'Verify', {});
    store.repos.jobs.markRunning(job.id, ownerPid);
    return job.id;
  } finally {
    store.close();
  }
}

const statusOf = (engine: Engine, id: number) => engine.store.repos.jobs.get(id)!.status;

describe('a data folder with two engines', () => {
  it("lets a second engine read but not start jobs, and leaves the first one's running jobs alone", async () => {
    const home = tempHome();
    const served = await serve(home);
    try {
      const lock = JSON.parse(fs.readFileSync(path.join(home, LOCK_FILE), 'utf8'));
      expect(lock).toMatchObject({ pid: served.child.pid, face: 'browser' });
      const live = runningJob(home, served.child.pid!);

      // `searchlab datasets --json` beside serve: it reads, and serve's job stays running.
      const listed = await cli('datasets', '--home', home, '--json');
      expect(listed.code).toBe(0);
      const second = Engine.open({ home, face: 'cli' });
      try {
        expect(second.lock.owned).toBe(false);
        expect(statusOf(second, live)).toBe('running');
        await expect(second.call('jobs.start', { kind: 'storage.verify', params: {} })).rejects.toThrow(
          new RegExp(
            `Cannot start a storage.verify job: the data folder .* is in use by another SearchLab process \\(pid ${served.child.pid}, browser`,
          ),
        );
        const imported = await cli('import', path.join(home, 'nothing.jsonl'), '--dataset', 'x', '--home', home);
        expect(imported.code).not.toBe(0);
        expect(imported.err).toMatch(/in use by another SearchLab process/);
      } finally {
        await second.close();
      }
      // The reader's close leaves the holder's lock in place.
      expect(fs.existsSync(path.join(home, LOCK_FILE))).toBe(true);
    } finally {
      await served.stop();
    }
  }, 60_000);

  it('takes over a folder whose holder was killed, and recovers only then', async () => {
    const home = tempHome();
    const served = await serve(home);
    const live = runningJob(home, served.child.pid!);
    served.child.kill('SIGKILL');
    await new Promise((resolve) => served.child.once('exit', resolve));
    // The killed process left its lock file behind; its pid is gone.
    expect(fs.existsSync(path.join(home, LOCK_FILE))).toBe(true);
    const next = Engine.open({ home, face: 'cli' });
    try {
      expect(next.lock.owned).toBe(true);
      expect(statusOf(next, live)).toBe('interrupted');
      expect(JSON.parse(fs.readFileSync(path.join(home, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    } finally {
      await next.close();
    }
    expect(fs.existsSync(path.join(home, LOCK_FILE))).toBe(false);
  }, 60_000);

  it.skipIf(process.platform !== 'linux')(
    'takes over a lock whose process id now names another process',
    async () => {
      const home = tempHome();
      // A lock left by a holder before a reboot: its id is now this test's own process, a different one.
      const stale = { pid: process.pid, host: os.hostname(), face: 'browser', since: 1, identity: 'an-earlier-boot/1' };
      fs.writeFileSync(path.join(home, LOCK_FILE), JSON.stringify(stale));
      const served = await serve(home);
      try {
        expect(JSON.parse(fs.readFileSync(path.join(home, LOCK_FILE), 'utf8')).pid).toBe(served.child.pid);
      } finally {
        await served.stop();
      }
    },
    60_000,
  );
});
