import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { cohenKappa, krippendorffAlpha } from '../../src/main/datasets/labels/agreement';
import { consensus } from '../../src/main/datasets/balance/plan';
import { suggestedLabel } from '../../src/main/datasets/suggest/status';
import type { DatasetSummary, SearchNeed } from '../../src/shared/contract';
import { tempHome, removeTempHomes } from '../helpers/home';
import { writeJsonl } from './fixtures';

afterEach(removeTempHomes);

const needs: SearchNeed[] = ['search_free', 'image_search', 'text_search', 'both'];

/** An engine with one imported dataset of `count` text-only samples from three sources. */
async function engineWithDataset(
  count: number,
  name = 'd',
): Promise<{ engine: Engine; datasetId: number; ids: number[] }> {
  const home = tempHome();
  const file = path.join(tempHome('searchlab-data-'), 'd.jsonl');
  writeJsonl(
    file,
    Array.from({ length: count }, (_, i) => ({
      question: i % 10 === 0 ? `Which river flows through city ${i}?` : `What is item ${i}?`,
      answer: `answer ${i}`,
      data_source: ['fvqa', 'infoseek', 'mmsearch'][i % 3],
      split: i % 5 === 0 ? 'test' : 'train',
      search_need: needs[i % 4],
    })),
  );
  const engine = Engine.open({ home, face: 'cli' });
  const job = await engine.call('jobs.start', { kind: 'datasets.import', params: { path: file, dataset: name } });
  await engine.jobs.idle();
  const done = await engine.call('jobs.get', { id: job.id });
  expect(done.status).toBe('succeeded');
  const datasetId = (done.result as { datasetId: number }).datasetId;
  const page = await engine.call('datasets.samples', { datasetId, limit: 500 });
  return { engine, datasetId, ids: page.rows.map((r) => r.id) };
}

/** Builds a balanced subset through its job; resolves with the new dataset, rejects with the job's error. */
async function balance(engine: Engine, params: Record<string, unknown>): Promise<DatasetSummary> {
  const job = await engine.call('jobs.start', { kind: 'datasets.balance', params });
  await engine.jobs.idle();
  const done = await engine.call('jobs.get', { id: job.id });
  if (done.status !== 'succeeded') throw new Error(done.error ?? done.status);
  return done.result as DatasetSummary;
}

describe('agreement statistics', () => {
  it("computes Cohen's kappa and Krippendorff's alpha for the textbook 2×2 example (both 0.4)", () => {
    const pairs: [string, string][] = [
      ...Array.from({ length: 20 }, (): [string, string] => ['yes', 'yes']),
      ...Array.from({ length: 5 }, (): [string, string] => ['yes', 'no']),
      ...Array.from({ length: 10 }, (): [string, string] => ['no', 'yes']),
      ...Array.from({ length: 15 }, (): [string, string] => ['no', 'no']),
    ];
    const k = cohenKappa(pairs);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
    expect(krippendorffAlpha(pairs.map((p) => [...p]))).toBeCloseTo(0.4, 12);
  });

  it('gives 1 for perfect agreement, below 0 for systematic disagreement, and skips samples with one label', () => {
    expect(krippendorffAlpha([['a', 'a'], ['b', 'b'], ['a', 'a', 'a'], ['c']])).toBe(1);
    expect(
      cohenKappa([
        ['a', 'b'],
        ['b', 'a'],
      ]).kappa,
    ).toBeLessThan(0);
    expect(krippendorffAlpha([['a']])).toBeNull();
  });

  it('takes the majority label, ignoring unsure, and none on a tie', () => {
    expect(consensus(['both', 'both', 'text_search'])).toBe('both');
    expect(consensus(['both', 'unsure'])).toBe('both');
    expect(consensus(['both', 'text_search'])).toBeNull();
    expect(consensus([])).toBeNull();
  });

  it('suggests search-free when the policy is mostly right without search', () => {
    expect(suggestedLabel(3, 4)).toBe('search_free');
    expect(suggestedLabel(1, 4)).toBe('search_required');
    expect(() => suggestedLabel(5, 4)).toThrow(/within/);
  });
});

describe('hand labels', () => {
  it('sets, changes and undoes labels in order, with the history showing every decision', async () => {
    const { engine, datasetId, ids } = await engineWithDataset(6);
    await engine.call('labels.set', {
      sampleId: ids[0],
      annotator: 'ana',
      label: 'both',
      note: 'river names are obscure',
    });
    await engine.call('labels.set', { sampleId: ids[1], annotator: 'ana', label: 'search_free' });
    await engine.call('labels.set', { sampleId: ids[0], annotator: 'ana', label: 'text_search' });
    let detail = await engine.call('datasets.sample', { id: ids[0] });
    expect(detail.labels).toMatchObject([{ annotator: 'ana', label: 'text_search', note: 'river names are obscure' }]);

    const history = await engine.call('labels.history', { annotator: 'ana', datasetId });
    expect(history.map((e) => [e.rowIndex, e.before, e.after])).toEqual([
      [0, 'both', 'text_search'],
      [1, null, 'search_free'],
      [0, null, 'both'],
    ]);
    expect(await engine.call('labels.progress', { annotator: 'ana', datasetId })).toEqual({ labeled: 2, total: 6 });
    expect((await engine.call('labels.undo', { annotator: 'ana', datasetId })).undone).toMatchObject({
      sampleId: ids[0],
      after: 'text_search',
    });
    detail = await engine.call('datasets.sample', { id: ids[0] });
    expect(detail.labels.map((l) => l.label)).toEqual(['both']);
    await engine.call('labels.undo', { annotator: 'ana', datasetId });
    await engine.call('labels.undo', { annotator: 'ana', datasetId });
    expect((await engine.call('datasets.sample', { id: ids[0] })).labels).toEqual([]);
    expect((await engine.call('labels.undo', { annotator: 'ana', datasetId })).undone).toBeNull();
    expect((await engine.call('labels.history', { annotator: 'ana', datasetId })).every((e) => e.undone)).toBe(true);
    await engine.close();
  });

  it('keeps a queue of samples the annotator has not labeled and of samples annotators disagree on', async () => {
    const { engine, datasetId, ids } = await engineWithDataset(6);
    await engine.call('labels.set', { sampleId: ids[0], annotator: 'ana', label: 'both' });
    await engine.call('labels.set', { sampleId: ids[0], annotator: 'ben', label: 'search_free' });
    await engine.call('labels.set', { sampleId: ids[1], annotator: 'ana', label: 'both' });
    await engine.call('labels.set', { sampleId: ids[1], annotator: 'ben', label: 'both' });
    const unlabeledByAna = await engine.call('datasets.samples', { datasetId, queue: 'unlabeled', annotator: 'ana' });
    expect(unlabeledByAna.total).toBe(4);
    expect(unlabeledByAna.rows.map((r) => r.id)).toEqual(ids.slice(2));
    const disagreeing = await engine.call('datasets.samples', { datasetId, queue: 'disagreeing' });
    expect(disagreeing.rows.map((r) => r.id)).toEqual([ids[0]]);
    const agreement = await engine.call('labels.agreement', { datasetId });
    expect(agreement).toMatchObject({
      annotators: ['ana', 'ben'],
      items: 2,
      disagreementCount: 1,
      disagreements: [{ sampleId: ids[0], labels: { ana: 'both', ben: 'search_free' } }],
    });
    expect(agreement.pairs[0]).toMatchObject({ a: 'ana', b: 'ben', items: 2, observed: 0.5 });
    await engine.close();
  });
});

describe('browsing', () => {
  it('finds samples by words of the question or answer, and filters by source, split and label', async () => {
    const { engine, datasetId, ids } = await engineWithDataset(60);
    const rivers = await engine.call('datasets.samples', { datasetId, q: 'river flows' });
    expect(rivers.total).toBe(6);
    expect((await engine.call('datasets.samples', { datasetId, q: 'answer 1' })).rows.map((r) => r.answer)).toContain(
      'answer 1',
    );
    expect((await engine.call('datasets.samples', { datasetId, q: 'riv' })).total).toBe(6);
    expect((await engine.call('datasets.samples', { datasetId, q: '"); DROP TABLE samples; --' })).total).toBe(0);
    expect((await engine.call('datasets.samples', { datasetId, dataSource: 'infoseek' })).total).toBe(20);
    expect((await engine.call('datasets.samples', { datasetId, split: 'test', dataSource: 'fvqa' })).total).toBe(4);
    await engine.call('labels.set', { sampleId: ids[7], annotator: 'ana', label: 'image_search' });
    expect((await engine.call('datasets.samples', { datasetId, label: 'image_search' })).rows.map((r) => r.id)).toEqual(
      [ids[7]],
    );
    expect((await engine.call('datasets.samples', { datasetId, label: 'unlabeled' })).total).toBe(59);
    const page = await engine.call('datasets.samples', { datasetId, offset: 50, limit: 20 });
    expect(page.rows.map((r) => r.rowIndex)).toEqual(Array.from({ length: 10 }, (_, i) => 50 + i));
    await engine.close();
  });

  it('says the model is not loaded, and orders stored suggestions closest to a coin flip first', async () => {
    const { engine, datasetId, ids } = await engineWithDataset(5);
    expect(await engine.call('datasets.suggestStatus', { datasetId })).toMatchObject({
      loaded: false,
      message: expect.stringMatching(/^Model not loaded/),
    });
    engine.store.repos.samples.putSuggestion(ids[3], 'policy@1', 4, 2, 'search_free');
    engine.store.repos.samples.putSuggestion(ids[1], 'policy@1', 4, 4, 'search_free');
    engine.store.repos.samples.putSuggestion(ids[4], 'policy@1', 4, 1, 'search_required');
    const ordered = await engine.call('datasets.samples', { datasetId, order: 'uncertain' });
    expect(ordered.rows.map((r) => r.id)).toEqual([ids[3], ids[4], ids[1], ids[0], ids[2]]);
    expect(ordered.rows[0].suggestion).toEqual({ model: 'policy@1', runs: 4, correct: 2, label: 'search_free' });
    await engine.close();
  });
});

describe('balanced subsets', () => {
  it('keeps the target share of search-required samples in every data source and records its recipe', async () => {
    const { engine, datasetId } = await engineWithDataset(120);
    // By construction each source has 30 search-required (3 of 4 kinds) and 10 search-free samples... per 40.
    const plan = await engine.call('datasets.balancePlan', { datasetId, name: 'bal', searchRequiredFraction: 0.5 });
    expect(plan.strata.map((s) => [s.dataSource, s.required, s.free, s.pickRequired, s.pickFree])).toEqual([
      ['fvqa', 30, 10, 10, 10],
      ['infoseek', 30, 10, 10, 10],
      ['mmsearch', 30, 10, 10, 10],
    ]);
    const subset = await balance(engine, { datasetId, name: 'bal', searchRequiredFraction: 0.5, seed: 7 });
    expect(subset.samples).toBe(60);
    expect(subset.recipe).toMatchObject({
      kind: 'balanced-subset',
      from: { id: datasetId, name: 'd' },
      searchRequiredFraction: 0.5,
      seed: 7,
    });
    for (const source of ['fvqa', 'infoseek', 'mmsearch']) {
      const free = await engine.call('datasets.samples', { datasetId: subset.id, dataSource: source, limit: 500 });
      expect(free.rows.filter((r) => r.searchNeed === 'search_free')).toHaveLength(10);
      expect(free.total).toBe(20);
    }
    const sized = await balance(engine, {
      datasetId,
      name: 'bal-small',
      searchRequiredFraction: 2 / 3,
      size: 30,
      seed: 7,
    });
    expect(sized.samples).toBe(30);
    const again = await engine.call('datasets.balancePlan', {
      datasetId,
      name: 'x',
      searchRequiredFraction: 2 / 3,
      size: 30,
      seed: 7,
    });
    expect(again.total).toBe(30);
    await expect(balance(engine, { datasetId, name: 'bal', searchRequiredFraction: 0.5 })).rejects.toThrow(
      /already exists/,
    );
    await engine.close();
  });

  it('prefers the annotators’ consensus over the construction label, and copies labels into the subset', async () => {
    const { engine, datasetId, ids } = await engineWithDataset(8);
    // Sample 3 (fvqa) needs both by construction; two annotators say it is search-free.
    await engine.call('labels.set', { sampleId: ids[3], annotator: 'ana', label: 'search_free' });
    await engine.call('labels.set', { sampleId: ids[3], annotator: 'ben', label: 'search_free' });
    const byLabels = await engine.call('datasets.balancePlan', { datasetId, name: 'x', labelSource: 'labels' });
    expect(byLabels.available).toEqual({ required: 0, free: 1, unknown: 7 });
    const subset = await balance(engine, { datasetId, name: 'mixed', searchRequiredFraction: 1 / 3, seed: 3 });
    const recipe = subset.recipe as { strata: { dataSource: string; required: number; free: number }[] };
    expect(recipe.strata.find((s) => s.dataSource === 'fvqa')).toMatchObject({ required: 1, free: 2 });
    const rows = (await engine.call('datasets.samples', { datasetId: subset.id, dataSource: 'fvqa' })).rows;
    expect(rows.map((r) => r.question)).toEqual([
      'Which river flows through city 0?',
      'What is item 3?',
      'What is item 6?',
    ]);
    expect(rows[1].labels.map((l) => [l.annotator, l.label])).toEqual([
      ['ana', 'search_free'],
      ['ben', 'search_free'],
    ]);
    expect(subset.labels).toEqual({ search_free: 2 });
    await engine.close();
  });
});
