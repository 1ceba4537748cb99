// The eval.run job as the Evaluations page starts it: its result names the evaluations it stored, in the order
// they ran, so the page shows those even when another evaluation finishes meanwhile.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import { DEMO_DATASET } from '../../src/main/demo/pipeline/workspace';
import { useRunFixture } from '../helpers/run-fixture';
import { runJob } from '../helpers/jobs';

let engine: Engine;

useRunFixture((fixture) => ({ engine } = fixture));

describe('eval.run', () => {
  it('returns the ids of the evaluations it stored beside the figures `searchlab eval --json` prints', async () => {
    const [newest, older] = await engine.call('checkpoints.list', {});
    const job = await runJob(engine, 'eval.run', {
      checkpointIds: [newest.id, older.id],
      dataset: DEMO_DATASET,
      split: 'test',
      policies: ['rag', 'policy'],
      limit: 2,
    });
    expect(job.status).toBe('succeeded');
    const result = job.result as { evaluationIds: number[]; figures: Record<string, Record<string, unknown>> };
    const evaluations = await engine.call('evals.list', {});
    const stored = result.evaluationIds.map((id) => evaluations.find((e) => e.id === id)!);
    expect(stored.map((e) => [e.checkpointId, e.policy])).toEqual([
      [newest.id, 'rag'],
      [newest.id, 'policy'],
      [older.id, 'rag'],
      [older.id, 'policy'],
    ]);
    // The newest evaluations are these four: none is left out, none other shown.
    expect(
      evaluations
        .slice(0, 4)
        .map((e) => e.id)
        .sort(),
    ).toEqual([...result.evaluationIds].sort());
    expect(Object.keys(result.figures[newest.id])).toEqual(['rag', 'policy']);
    expect(result.figures[older.id].policy).toMatchObject({ questions: 2 });
  }, 120_000);
});
