import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { isProcessAlive } from '../../src/main/platform/process-alive';
import { serve, connect, repoRoot, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes, seedImages } from '../helpers/home';

const jobProcesses: number[] = [];
afterAll(() => {
  for (const pid of jobProcesses) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  removeTempHomes();
});

type Client = Awaited<ReturnType<typeof connect>>;

/** Starts a long storage check and resolves once it has committed some batches, with its process id. */
async function startLongJob(home: string, client: Client): Promise<{ jobId: number; pid: number }> {
  const started = await client.request('jobs.start', { kind: 'storage.verify', params: { batchSize: 5 } });
  expect(started.ok).toBe(true);
  const jobId: number = started.result.id;
  await until(() => client.events.some((e) => e.event === 'job.updated' && e.data.id === jobId && e.data.done > 0));
  const db = new Database(homePaths(home).database, { readonly: true });
  const { owner_pid: pid } = db.prepare('SELECT owner_pid FROM jobs WHERE id = ?').get(jobId) as { owner_pid: number };
  db.close();
  jobProcesses.push(pid);
  return { jobId, pid };
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function killServer(served: ServedEngine): Promise<void> {
  served.child.kill('SIGKILL');
  await served.stop();
}

/** A served data folder with a long job running in it. */
async function serveWithLongJob() {
  const home = tempHome();
  seedImages(home, 40_000, 256);
  const served = await serve(home);
  const client = await connect(served);
  return { home, served, client, ...(await startLongJob(home, client)) };
}

const updatesOf = (client: Client, jobId: number) =>
  client.events.filter((e) => e.event === 'job.updated' && e.data.id === jobId).map((e) => e.data);

describe('a crash of the server during a job', () => {
  it('leaves the job running in its own process, and the restarted server follows it to its end', async () => {
    const { home, served: first, client, jobId, pid } = await serveWithLongJob();
    await killServer(first);
    expect(isProcessAlive(pid)).toBe(true);

    const second = await serve(home);
    const again = await connect(second);
    const seen = await again.request('jobs.get', { id: jobId });
    expect(seen.result.status).toBe('running');
    await until(() => updatesOf(again, jobId).some((j) => j.status === 'succeeded'));
    // The new server tells its listeners of the end of a job it did not start.
    const done = updatesOf(again, jobId).at(-1);
    expect(done).toMatchObject({ status: 'succeeded', done: 40_000, total: 40_000 });
    expect(done.result).toMatchObject({ images: 40_000, corrupted: [] });
    again.close();
    await second.stop();

    const store = openStore(homePaths(home).database);
    expect(store.repos.images.countVerifiedSince(done.startedAt)).toBe(40_000);
    store.close();
  }, 120_000);

  it('lets the restarted server cancel the job it did not start', async () => {
    const { home, served: first, jobId, pid } = await serveWithLongJob();
    await killServer(first);

    const second = await serve(home);
    const again = await connect(second);
    expect((await again.request('jobs.cancel', { id: jobId })).ok).toBe(true);
    await until(() => updatesOf(again, jobId).some((j) => j.status === 'cancelled'));
    expect(updatesOf(again, jobId).at(-1).done).toBeLessThan(40_000);
    await until(() => !isProcessAlive(pid));
    again.close();
    await second.stop();
  }, 120_000);

  it('marks the job interrupted when its process died too, keeping what it committed', async () => {
    const { home, served: first, client, jobId, pid } = await serveWithLongJob();
    await killServer(first);
    process.kill(pid, 'SIGKILL');
    await until(() => !isProcessAlive(pid));
    const lastReported = Math.max(...updatesOf(client, jobId).map((j) => j.done));

    const second = await serve(home);
    const again = await connect(second);
    const job = (await again.request('jobs.get', { id: jobId })).result;
    expect(job.status).toBe('interrupted');
    expect(job.done).toBeLessThan(40_000);
    again.close();
    await second.stop();

    const store = openStore(homePaths(home).database);
    expect(store.repos.images.countVerifiedSince(job.startedAt)).toBeGreaterThanOrEqual(lastReported);
    store.close();
  }, 120_000);
});

describe("a crash of a job's process", () => {
  it('fails that job with the cause, and the server goes on serving', async () => {
    const { served, client, jobId, pid } = await serveWithLongJob();
    process.kill(pid, 'SIGKILL');
    await until(() => updatesOf(client, jobId).some((j) => j.status === 'failed'));
    expect(updatesOf(client, jobId).at(-1).error).toMatch(/job's process was stopped by SIGKILL/);
    const next = await client.request('jobs.start', { kind: 'storage.verify', params: {} });
    expect(next.ok).toBe(true);
    await until(() => updatesOf(client, next.result.id).some((j) => j.status === 'succeeded'));
    client.close();
    await served.stop();
  }, 120_000);
});

describe('Ctrl-C on a command running a job', () => {
  it('stops the job at its next safe point, in its own process as well', async () => {
    const home = tempHome();
    seedImages(home, 40_000, 256);
    // Its own process group, as a terminal's foreground job: Ctrl-C reaches the command and the job's process.
    const command = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'searchlab.mjs'),
        'jobs',
        'run',
        'storage.verify',
        '--params',
        '{"batchSize":5}',
        '--home',
        home,
        '--json',
      ],
      { cwd: repoRoot, env: { ...process.env, SEARCHLAB_LOG: 'warn' }, detached: true },
    );
    let output = '';
    command.stdout.on('data', (d) => (output += d));
    command.stderr.on('data', (d) => (output += d));
    const db = () => new Database(homePaths(home).database, { readonly: true, fileMustExist: true });
    const row = () => {
      try {
        const d = db();
        const r = d.prepare('SELECT status, done, owner_pid FROM jobs').get() as
          { status: string; done: number; owner_pid: number } | undefined;
        d.close();
        return r;
      } catch {
        return undefined;
      }
    };
    await until(() => (row()?.done ?? 0) > 0);
    const pid = row()!.owner_pid;
    jobProcesses.push(pid);
    process.kill(-command.pid!, 'SIGINT');
    const code = await new Promise((resolve) => command.once('exit', resolve));
    await until(() => !isProcessAlive(pid));
    expect(row()).toMatchObject({ status: 'cancelled' });
    expect(row()!.done).toBeLessThan(40_000);
    expect(code, output).not.toBe(0);
  }, 120_000);
});
