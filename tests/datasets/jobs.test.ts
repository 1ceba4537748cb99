import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { writeSyntheticJsonl } from '../../src/main/datasets/generate';
import type { Job } from '../../src/shared/contract';
import { untilProgress } from '../helpers/jobs';
import { tempHome, removeTempHomes } from '../helpers/home';

afterEach(removeTempHomes);

describe('the import job', () => {
  it('reports progress towards a known total, and a cancelled import writes nothing and leaves no scratch file', async () => {
    const home = tempHome();
    const file = await writeSyntheticJsonl(tempHome('searchlab-data-'), 30_000, 20);
    const engine = Engine.open({ home, face: 'cli' });
    const seen: Job[] = [];
    engine.subscribe((e) => e.event === 'job.updated' && seen.push(e.data as Job));
    const job = await engine.call('jobs.start', {
      kind: 'datasets.import',
      params: { path: file, dataset: 'cancelled' },
    });
    await untilProgress(engine, job.id);
    await engine.call('jobs.cancel', { id: job.id });
    await engine.jobs.idle();
    expect((await engine.call('jobs.get', { id: job.id })).status).toBe('cancelled');
    expect(seen.some((j) => j.id === job.id && j.total === 30_000 && j.done > 0 && j.done < 30_000)).toBe(true);
    expect(await engine.call('datasets.list', {})).toEqual([]);
    expect(engine.store.repos.stats.counts()).toMatchObject({ samples: 0, images: 0, datasets: 0 });
    expect(fs.readdirSync(path.join(home, 'tmp'))).toEqual([]);

    const again = await engine.call('jobs.start', {
      kind: 'datasets.import',
      params: { path: file, dataset: 'whole' },
    });
    await engine.jobs.idle();
    const done = await engine.call('jobs.get', { id: again.id });
    expect(done).toMatchObject({
      status: 'succeeded',
      done: 30_000,
      total: 30_000,
      result: { imported: 30_000, images: 20, committed: true },
    });
    await engine.close();
  });
});
