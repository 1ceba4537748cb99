import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { serve, connect } from '../helpers/serve';
import { tempHome, removeTempHomes, seedImages } from '../helpers/home';

afterAll(removeTempHomes);

describe('a crash during a job', () => {
  it('shows the job as interrupted after a restart and keeps everything it committed', async () => {
    const home = tempHome();
    seedImages(home, 20_000, 512);
    const first = await serve(home);
    const client = await connect(first);
    const started = await client.request('jobs.start', { kind: 'storage.verify', params: { batchSize: 5 } });
    expect(started.ok).toBe(true);
    const jobId = started.result.id;
    // Wait until the job has committed some batches, then kill the engine without warning.
    const lastReported = await new Promise<number>((resolve) => {
      const timer = setInterval(() => {
        const progress = client.events.filter(
          (e) => e.event === 'job.updated' && e.data.id === jobId && e.data.done > 0,
        );
        if (progress.length) {
          clearInterval(timer);
          resolve(progress.at(-1)!.data.done);
        }
      }, 5);
    });
    first.child.kill('SIGKILL');
    await first.stop();

    const second = await serve(home);
    const again = await connect(second);
    const job = (await again.request('jobs.get', { id: jobId })).result;
    expect(job.status).toBe('interrupted');
    expect(job.done).toBeLessThan(20_000);
    again.close();
    await second.stop();

    const store = openStore(homePaths(home).database);
    const verified = store.repos.images.countVerifiedSince(job.startedAt);
    store.close();
    expect(verified).toBeGreaterThanOrEqual(lastReported);
  });
});
