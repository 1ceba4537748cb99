// The reward editor's API on a real tiny demo run: re-scoring (a job, stored) under the run's own spec reproduces
// what training recorded; an edited spec moves the histogram and flips advantages; syntax errors come back with
// positions.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { DEFAULT_REWARD_SPEC } from '../../src/main/rl/reward/spec';
import { useRunFixture } from '../helpers/run-fixture';
import { runJob } from '../helpers/jobs';

let engine: Engine;
let runId: number;
const spec = {
  name: DEFAULT_REWARD_SPEC.name,
  expression: DEFAULT_REWARD_SPEC.expression,
  constants: DEFAULT_REWARD_SPEC.constants,
};

/** Re-scores as the editor does: a job, then the stored result read back. */
async function rescore(params: { runId: number; spec: typeof spec }, read: { pinned?: number[] } = {}) {
  const job = await runJob(engine, 'reward.rescore', params);
  if (job.status !== 'succeeded') throw new Error(job.error ?? job.status);
  return engine.call('reward.rescored', { id: (job.result as { rescoreId: number }).rescoreId, ...read });
}

useRunFixture((fixture) => ({ engine, runId } = fixture));

describe('reward re-scoring', () => {
  it("reproduces the recorded rewards and advantages under the run's own spec", async () => {
    const r = await rescore({ runId, spec });
    expect(r.count).toBe(27);
    expect(r.rescore).toMatchObject({ runId, status: 'finished', count: 27, spec: { expression: spec.expression } });
    expect(r.changedRewards).toBe(0);
    expect(r.signFlipCount).toBe(0);
    expect(r.histogram.after).toEqual(r.histogram.before);
    expect(r.histogram.after.reduce((a, b) => a + b, 0)).toBe(27);
  });

  it('moves the histogram and flips advantages when the reward pays for something else', async () => {
    const all = (await engine.call('trajectories.list', { runId, limit: 500 })).items;
    // Pay for short answers: rewards now differ inside groups that all scored the same before.
    const edited = { ...spec, expression: 'format + 1 / (1 + tokens)' };
    const r = await rescore({ runId, spec: edited }, { pinned: all.slice(0, 3).map((t) => t.id) });
    expect(r.changedRewards).toBeGreaterThan(0);
    expect(r.histogram.after).not.toEqual(r.histogram.before);
    expect(r.pinned.map((p) => p.id)).toEqual(all.slice(0, 3).map((t) => t.id));
    for (const p of r.pinned) {
      const t = all.find((x) => x.id === p.id)!;
      expect(p.after.total).toBeCloseTo((t.format ?? 0) + 1 / (1 + t.generatedTokens), 9);
    }
    // Every listed flip really changes sign; the count matches a recomputation over the pinned sample.
    for (const f of r.signFlips)
      expect(Math.sign(Math.round((f.before.advantage ?? 0) * 1e6))).not.toBe(
        Math.sign(Math.round(f.after.advantage * 1e6)),
      );
    expect(r.signFlipCount).toBeGreaterThan(0);
    // Stored: the run lists its re-scorings, newest first, and each reads back the same.
    const stored = await engine.call('reward.rescores', { runId });
    expect(stored[0]).toMatchObject({ id: r.rescore.id, spec: { expression: edited.expression } });
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect((await engine.call('reward.rescored', { id: r.rescore.id })).histogram).toEqual(r.histogram);
    expect(
      engine.store.db.prepare('SELECT count(*) AS n FROM rescore_rewards WHERE rescore_id = ?').get(r.rescore.id),
    ).toEqual({ n: 27 });
  });

  it('checks expressions with the position of the error and refuses to re-score a broken spec', async () => {
    const bad = await engine.call('reward.check', { spec: { ...spec, expression: 'score + * 2' } });
    expect(bad.ok).toBe(false);
    expect(bad.error?.position).toBe(8);
    const unknown = await engine.call('reward.check', { spec: { ...spec, expression: 'scor + 1' } });
    expect(unknown.error?.message).toMatch(/scor/);
    const good = await engine.call('reward.check', { spec });
    expect(good).toMatchObject({ ok: true, error: null });
    expect(good.variables.sort()).toEqual(['alpha', 'format', 'score', 'search_penalty', 'searched'].sort());
    await expect(rescore({ runId, spec: { ...spec, expression: 'score +' } })).rejects.toThrow(/Reward spec/);
    const before = (await engine.call('reward.rescores', { runId })).length;
    await expect(rescore({ runId: 9999, spec })).rejects.toThrow(/No run with id 9999/);
    expect((await engine.call('reward.rescores', { runId })).length).toBe(before);
  });

  it('saves an edited spec as the next version of its name', async () => {
    const first = await engine.call('reward.save', { spec: { ...spec, name: 'short', expression: 'format' } });
    const second = await engine.call('reward.save', { spec: { ...spec, name: 'short', expression: 'format * 2' } });
    expect([first.version, second.version]).toEqual([1, 2]);
    const { specs } = await engine.call('reward.specs', {});
    expect(specs.filter((s) => s.name === 'short').map((s) => s.expression)).toEqual(['format * 2', 'format']);
  });
});
