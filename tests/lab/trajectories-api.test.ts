// The trajectory debugger's API against a real run made by the demo pipeline (tiny configuration): paging,
// filters, groups, one trajectory in full, and parameter validation.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { ApiError } from '../../src/shared/protocol';
import { useRunFixture } from '../helpers/run-fixture';

let engine: Engine;
let runId: number;

useRunFixture((fixture) => ({ engine, runId } = fixture));

describe('trajectories API', () => {
  it('lists every training trajectory of a run, in step/group/sample order, page by page', async () => {
    const all = await engine.call('trajectories.list', { runId, limit: 500 });
    expect(all.total).toBe(3 * 3 * 3); // steps × prompts × group size
    expect(all.items).toHaveLength(all.total);
    const keys = all.items.map((t) => t.step * 10_000 + t.groupIndex * 100 + t.sampleIndex);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    // Pages tile the list exactly.
    const pages = [];
    for (let offset = 0; offset < all.total; offset += 4)
      pages.push(...(await engine.call('trajectories.list', { runId, offset, limit: 4 })).items);
    expect(pages.map((t) => t.id)).toEqual(all.items.map((t) => t.id));
    expect(all.items.every((t) => t.turns >= 1 && t.question !== null)).toBe(true);
  });

  it('filters by step, search, correctness and zero-variance groups consistently with the rows', async () => {
    const all = (await engine.call('trajectories.list', { runId, limit: 500 })).items;
    const check = async (params: Record<string, unknown>, keep: (t: (typeof all)[number]) => boolean) => {
      const page = await engine.call('trajectories.list', { runId, limit: 500, ...params });
      expect(page.items.map((t) => t.id)).toEqual(all.filter(keep).map((t) => t.id));
      expect(page.total).toBe(page.items.length);
    };
    await check({ step: 2 }, (t) => t.step === 2);
    await check({ searched: true }, (t) => t.imageSearches + t.textSearches > 0);
    await check({ searched: false }, (t) => t.imageSearches + t.textSearches === 0);
    await check({ searchKind: 'image' }, (t) => t.imageSearches > 0);
    await check({ searchKind: 'text' }, (t) => t.textSearches > 0);
    await check({ searchKind: 'text', searched: true }, (t) => t.textSearches > 0);
    await check({ correct: true }, (t) => (t.score ?? 0) > 0);
    await check({ zeroVariance: true }, (t) => t.zeroVariance);
    await check({ zeroVariance: false }, (t) => !t.zeroVariance);
    // zeroVariance agrees with the rewards of each group.
    for (const t of all) {
      const group = all.filter((x) => x.step === t.step && x.groupIndex === t.groupIndex).map((x) => x.total);
      expect(t.zeroVariance).toBe(Math.max(...(group as number[])) - Math.min(...(group as number[])) < 1e-9);
    }
  });

  it('summarises steps and returns one GRPO group with its statistics', async () => {
    const steps = await engine.call('trajectories.steps', { runId });
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(steps.every((s) => s.trajectories === 9 && s.groups === 3)).toBe(true);
    const group = await engine.call('trajectories.group', { runId, step: 2, groupIndex: 1 });
    expect(group.items.map((t) => t.sampleIndex)).toEqual([0, 1, 2]);
    expect(new Set(group.items.map((t) => t.sampleId)).size).toBe(1);
    const totals = group.items.map((t) => t.total!);
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    expect(group.mean).toBeCloseTo(mean, 6);
    expect(steps[1].zeroVarianceGroups).toBe(
      (
        await Promise.all([0, 1, 2].map((g) => engine.call('trajectories.group', { runId, step: 2, groupIndex: g })))
      ).filter((g) => g.zeroVariance).length,
    );
  });

  it('returns one trajectory with its turns, tool results, reward breakdown and masked tokens', async () => {
    const { items } = await engine.call('trajectories.list', { runId, limit: 500 });
    const searched = items.find((t) => t.imageSearches + t.textSearches > 0) ?? items[0];
    const t = await engine.call('trajectories.get', { id: searched.id });
    expect(t.id).toBe(searched.id);
    expect(t.turnList).toHaveLength(searched.turns);
    expect(t.sample?.imageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.reward?.total).toBe(searched.total);
    expect(t.reward?.advantage).toBe(searched.advantage);
    expect(t.tokens.ids.length).toBe(t.tokens.lossMask.length);
    expect(t.tokens.ids.length).toBe(t.tokens.logprobs.length);
    // Only generated tokens count: the mask covers exactly the turns' token ids.
    expect(t.tokens.lossMask.filter((m) => m === 1).length).toBe(
      t.turnList.reduce((n, turn) => n + turn.tokenIds.length, 0),
    );
    for (const turn of t.turnList) expect(turn.logprobs.length).toBe(turn.tokenIds.length);
    // Token strings come from the policy's own tokenizer: the generated tokens spell out the responses.
    expect(t.tokens.texts).toHaveLength(t.tokens.ids.length);
    const generated = t.tokens.texts!.filter((_, i) => t.tokens.lossMask[i] === 1).join('');
    expect(generated).toContain(t.turnList[0].responseText.slice(0, 20));
    if (searched.imageSearches + searched.textSearches > 0)
      expect(t.turnList.some((turn) => turn.toolResult !== null)).toBe(true);
  });

  it("lists an evaluation run's answers as groups of one, with their search turns and tool results", async () => {
    const runs = await engine.call('runs.list', {});
    const rag = runs.find((r) => r.name.endsWith('(rag)'))!;
    const page = await engine.call('trajectories.list', { runId: rag.id });
    expect(page.total).toBe(4);
    expect(
      page.items.every((t) => t.turns === 3 && t.imageSearches === 1 && t.textSearches === 1 && !t.zeroVariance),
    ).toBe(true);
    const t = await engine.call('trajectories.get', { id: page.items[0].id });
    expect(t.turnList.map((turn) => turn.action)).toEqual(['image_search', 'text_search', 'answer']);
    expect(t.turnList[0].toolResult?.tool).toBe('image_search');
    // The demo's model reads image results as titles only; the raw results keep each match's thumbnail.
    expect(t.turnList[0].toolResult?.images).toEqual([]);
    expect(t.turnList[0].toolResult?.results.every((r) => r.imageSha256)).toBe(true);
    expect(t.turnList[1].toolResult?.tool).toBe('text_search');
  });

  it('counts search-need labels against behaviour, and each cell lists exactly its trajectories', async () => {
    for (const step of [undefined, 2]) {
      const cells = await engine.call('trajectories.confusion', { runId, ...(step === undefined ? {} : { step }) });
      const total = (await engine.call('trajectories.list', { runId, ...(step === undefined ? {} : { step }) })).total;
      expect(cells.reduce((n, c) => n + c.count, 0)).toBe(total);
      for (const c of cells) {
        const page = await engine.call('trajectories.list', {
          runId,
          ...(step === undefined ? {} : { step }),
          need: c.need,
          behaviour: c.behaviour,
          limit: 500,
        });
        expect(page.total).toBe(c.count);
        expect(page.items.filter((t) => (t.score ?? 0) > 0)).toHaveLength(c.correct);
        for (const t of page.items) {
          expect(t.need).toBe(c.need);
          const did =
            t.imageSearches && t.textSearches ? 'both' : t.imageSearches ? 'image' : t.textSearches ? 'text' : 'none';
          expect(did).toBe(c.behaviour);
        }
      }
    }
    // The demo world knows each sample's need by construction: no trajectory is unlabelled.
    const cells = await engine.call('trajectories.confusion', { runId });
    expect(cells.some((c) => c.need === 'unknown')).toBe(false);
    await expect(engine.call('trajectories.list', { runId, behaviour: 'sometimes' } as never)).rejects.toThrow(
      /behaviour/,
    );
  });

  it("compares one sample's trajectories across the pre-trained and GRPO checkpoints' evaluations", async () => {
    const runs = await engine.call('runs.list', {});
    const pre = runs.find((r) => r.name === 'demo: pre-trained (policy)')!;
    const post = runs.find((r) => r.name === 'demo: GRPO (policy)')!;
    const first = (await engine.call('trajectories.list', { runId: pre.id, limit: 1 })).items[0];
    const all = await engine.call('trajectories.bySample', { sampleId: first.sampleId! });
    expect(all.every((t) => t.sampleId === first.sampleId)).toBe(true);
    const runIds = all.map((t) => t.runId);
    expect(runIds).toEqual([...runIds].sort((a, b) => a - b));
    expect(runIds).toContain(pre.id);
    expect(runIds).toContain(post.id);
    expect(all.find((t) => t.runId === post.id)!.runName).toBe('demo: GRPO (policy)');
  });

  it('records the host memory of every GRPO step for the dashboard (GPU memory only on CUDA)', async () => {
    const points = (await engine.call('runs.metrics', { id: runId })).filter((m) => m.name === 'host_memory_mib');
    expect(points.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(points.every((m) => m.value > 10 && m.value < 64 * 1024)).toBe(true);
  });

  it('refuses bad parameters and unknown ids with clear errors', async () => {
    await expect(engine.call('trajectories.list', { runId, limit: 501 })).rejects.toThrow(/limit/);
    await expect(engine.call('trajectories.list', { runId, bogus: 1 } as never)).rejects.toThrow(/bogus/);
    await expect(engine.call('trajectories.list', { runId: 999 })).rejects.toBeInstanceOf(ApiError);
    await expect(engine.call('trajectories.get', { id: 10_000_000 })).rejects.toThrow(/No trajectory/);
    await expect(engine.call('trajectories.group', { runId, step: 1, groupIndex: 99 })).rejects.toThrow(/no group 99/);
  });
});
