import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Engine } from '../../src/main/engine/engine';
import { homePaths } from '../../src/main/platform/home';
import type { Job } from '../../src/shared/contract';
import { exitedProcessId, untilProgress } from '../helpers/jobs';
import { tempHome, removeTempHomes, seedImages } from '../helpers/home';

afterEach(removeTempHomes);

function updatesOf(engine: Engine, id: () => number | undefined): Job[] {
  const seen: Job[] = [];
  engine.subscribe((event) => {
    if (event.event === 'job.updated' && (event.data as Job).id === id()) seen.push(event.data as Job);
  });
  return seen;
}

async function finished(engine: Engine, id: number): Promise<Job> {
  await engine.jobs.idle();
  return engine.call('jobs.get', { id });
}

describe('jobs', () => {
  it('runs a job in its own process, reporting progress with counts until it succeeds', async () => {
    const home = tempHome();
    seedImages(home, 3000);
    const engine = Engine.open({ home, face: 'cli' });
    let jobId: number | undefined;
    const updates = updatesOf(engine, () => jobId);
    const job = await engine.call('jobs.start', { kind: 'storage.verify', params: { batchSize: 50 } });
    jobId = job.id;
    const done = await finished(engine, job.id);
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ images: 3000, corrupted: [], integrityErrors: [] });
    const progress = updates.filter((u) => u.total === 3000).map((u) => u.done);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(3000);
    await engine.close();
  });

  it('finds an image whose bytes no longer match their hash', async () => {
    const home = tempHome();
    const [victim] = seedImages(home, 20);
    const raw = new Database(homePaths(home).database);
    raw.prepare('UPDATE images SET bytes = ? WHERE sha256 = ?').run(Buffer.from('tampered'), victim);
    raw.close();
    const engine = Engine.open({ home, face: 'cli' });
    const job = await engine.call('jobs.start', { kind: 'storage.verify', params: {} });
    const done = await finished(engine, job.id);
    expect(done.result).toMatchObject({ images: 20, corrupted: [victim] });
    await engine.close();
  });

  it('cancels a running job between batches and keeps the batches it committed', async () => {
    const home = tempHome();
    seedImages(home, 30_000);
    const engine = Engine.open({ home, face: 'cli' });
    const job = await engine.call('jobs.start', { kind: 'storage.verify', params: { batchSize: 10 } });
    await untilProgress(engine, job.id);
    await engine.call('jobs.cancel', { id: job.id });
    const done = await finished(engine, job.id);
    expect(done.status).toBe('cancelled');
    expect(done.done).toBeLessThan(30_000);
    const verified = engine.store.repos.images.countVerifiedSince(done.startedAt!);
    expect(verified).toBeGreaterThanOrEqual(done.done);
    await engine.close();
  });

  it('refuses invalid job parameters before creating a job', async () => {
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    await expect(engine.call('jobs.start', { kind: 'storage.verify', params: { batchSize: -1 } })).rejects.toThrow(
      /batchSize/,
    );
    expect(await engine.call('jobs.list', {})).toEqual([]);
    await engine.close();
  });

  it('refuses to train a run that another job, in any process, is training', async () => {
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    // As another process's training job leaves its row while it runs (this test's own process stands in for it).
    const other = engine.store.repos.jobs.insert('rl.train', 'Train run 5', { runId: 5 });
    engine.store.repos.jobs.markRunning(other.id, process.pid);
    await expect(engine.call('jobs.start', { kind: 'rl.train', params: { runId: 5 } })).rejects.toThrow(
      `Cannot start this job: run 5 is in use by job ${other.id} (“Train run 5”)`,
    );
    expect((await engine.call('jobs.list', {})).map((j) => j.id)).toEqual([other.id]);
    engine.store.repos.jobs.finish(other.id, 'succeeded', {});
    const next = await engine.call('jobs.start', { kind: 'rl.train', params: { runId: 5 } });
    expect(next.title).toBe('Train run 5');
    await engine.jobs.idle();
    await engine.close();
  });

  it('marks interrupted a job whose process id now names another process (after a reboot)', async () => {
    const home = tempHome();
    const first = Engine.open({ home, face: 'cli' });
    const id = first.store.repos.jobs.insert('storage.verify', 'Verify storage', {}).id;
    // This test's own process stands in for the later one that was given the job's process id.
    first.store.repos.jobs.markRunning(id, process.pid, 'an-earlier-boot/12345');
    first.store.close();
    first.lock.release();
    const second = Engine.open({ home, face: 'cli' });
    expect((await second.call('jobs.get', { id })).status).toBe('interrupted');
    await second.close();
  });

  it('marks jobs left running by a previous engine as interrupted at start-up', async () => {
    const home = tempHome();
    const first = Engine.open({ home, face: 'cli' });
    const id = first.store.repos.jobs.insert('storage.verify', 'Verify storage', {}).id;
    first.store.repos.jobs.markRunning(id, exitedProcessId());
    first.store.close(); // as if the process died: no orderly shutdown of the job…
    first.lock.release(); // …and its hold on the folder gone with it
    const second = Engine.open({ home, face: 'cli' });
    const job = await second.call('jobs.get', { id });
    expect(job.status).toBe('interrupted');
    expect(job.error).toMatch(/engine stopped/);
    await second.close();
  });
});
