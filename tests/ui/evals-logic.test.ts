// The Evaluations page's pure logic: which evaluations it compares first, the table's rows and exports, and when
// the first-launch demo's result opens it.
import { describe, expect, it } from 'vitest';
import type { EvaluationSummary, Job } from '../../src/shared/contract';
import { columnsOf, defaultSelection, rowsOf, toCsv, toMarkdown } from '../../src/renderer/src/evals/comparison';
import { demoJustSucceeded, justSucceeded } from '../../src/renderer/src/evals/demo-result';
import { evaluationIdsOf } from '../../src/renderer/src/evals/job-result';

const group = (accuracy: number, searchRatio: number) => ({
  questions: 10,
  accuracy,
  searchRatio,
  searchesPerQuestion: 2 * searchRatio,
});
function evaluation(
  id: number,
  policy: string,
  datasetId: number,
  accuracy: number,
  searchRatio: number,
): EvaluationSummary {
  return {
    id,
    name: `checkpoint ${id} on d${datasetId}`,
    policy,
    checkpointId: id,
    checkpointRun: 'run',
    checkpointStep: 3,
    datasetId,
    dataset: `d${datasetId}`,
    runId: 100 + id,
    metrics: {
      ...group(accuracy, searchRatio),
      imageSearchRatio: searchRatio,
      textSearchRatio: searchRatio / 2,
      searchCost: 0.5,
      bySource: { a: group(accuracy, 1), 'b, c': group(0, 0) },
      byNeed: { search_free: group(1, 0) },
    },
    createdAt: id,
  };
}

describe('the comparison', () => {
  it("first compares the newest evaluation of each policy on the newest evaluation's dataset, policy first", () => {
    // Newest first, as evals.list returns them.
    const list = [
      evaluation(6, 'rag', 1, 0.5, 1),
      evaluation(5, 'policy', 1, 0.7, 0.5),
      evaluation(4, 'policy', 2, 0.1, 0.1),
      evaluation(3, 'direct', 1, 0.3, 0),
      evaluation(2, 'policy', 1, 0.4, 0.4),
    ];
    expect(defaultSelection(list)).toEqual([5, 3, 6]);
    expect(defaultSelection([])).toEqual([]);
  });

  it("shows the demo's result as its report does: the policy before and after training, then both baselines", () => {
    // The demo evaluates the pre-trained checkpoint (7) with both baselines, then the GRPO checkpoint (9).
    const onCheckpoint = (id: number, policy: string, checkpointId: number) => ({
      ...evaluation(id, policy, 1, 0.5, 0.5),
      checkpointId,
    });
    const list = [
      onCheckpoint(4, 'policy', 9),
      onCheckpoint(3, 'rag', 7),
      onCheckpoint(2, 'direct', 7),
      onCheckpoint(1, 'policy', 7),
    ];
    expect(defaultSelection(list)).toEqual([1, 4, 2, 3]);
    // "Compare on the Evaluations page" from any of the four eval runs shows the same four columns.
    for (const shown of list) expect(defaultSelection(list, shown)).toEqual([1, 4, 2, 3]);
    // Before the GRPO evaluation lands: the pre-trained policy and its baselines.
    expect(defaultSelection(list.slice(1))).toEqual([1, 2, 3]);
  });

  it('has the overall rows, then accuracy and search ratio by data source and by search need, each cell filtering its trajectories', () => {
    const rows = rowsOf(columnsOf([evaluation(1, 'policy', 1, 0.7, 0.5)]));
    expect(rows.map((r) => r.id)).toEqual([
      'accuracy',
      'search',
      'image',
      'text',
      'searches',
      'cost',
      'reward',
      'questions',
      'By data source:a:accuracy',
      'By data source:a:search',
      'By data source:b, c:accuracy',
      'By data source:b, c:search',
      'By search need:search_free:accuracy',
      'By search need:search_free:search',
    ]);
    const filters = (id: string) => rows.find((r) => r.id === id)!.filters;
    expect(filters('search')).toEqual({ searched: true });
    expect(filters('image')).toEqual({ searchKind: 'image' });
    expect(filters('text')).toEqual({ searchKind: 'text' });
    expect(filters('searches')).toEqual({ searched: true });
    expect(filters('cost')).toEqual({ searched: true });
    expect(rows.find((r) => r.id === 'By data source:a:search')!.filters).toEqual({ dataSource: 'a', searched: true });
    expect(rows.find((r) => r.id === 'By search need:search_free:accuracy')!.filters).toEqual({ need: 'search_free' });
  });

  it('exports CSV with quoted fields and Markdown with a separator row, the figures as the page shows them', () => {
    const columns = columnsOf([evaluation(1, 'policy', 1, 0.7, 0.5), evaluation(2, 'rag', 1, 0.55, 1)]);
    const csv = toCsv(columns).split('\n');
    expect(csv[0]).toBe(',Policy (checkpoint 1 on d1),Always-search RAG (checkpoint 2 on d1)');
    expect(csv).toContain('Accuracy,70.0%,55.0%');
    expect(csv).toContain('Search cost,$0.50,$0.50');
    expect(csv).toContain('"By data source: b, c · search ratio",0.0%,0.0%');
    const md = toMarkdown(columns).split('\n');
    expect(md[1]).toBe('| --- | --- | --- |');
    expect(md).toContain('| Searches per question | 1.00 | 2.00 |');
  });

  it('shows "—" for a figure an older evaluation did not record', () => {
    const old = evaluation(1, 'direct', 1, 0.3, 0);
    delete old.metrics.byNeed;
    delete old.metrics.searchCost;
    const columns = columnsOf([old, evaluation(2, 'rag', 1, 0.5, 1)]);
    expect(toCsv(columns).split('\n')).toContain('Search cost,—,$0.50');
    expect(toCsv(columns).split('\n')).toContain('By search need: search_free · accuracy,—,100.0%');
  });
});

describe('an evaluation job', () => {
  it('shows the evaluations its result names, not the newest ones', () => {
    expect(evaluationIdsOf({ evaluationIds: [7, 9], figures: {} })).toEqual([7, 9]);
    // a result of an older engine, or none: nothing to pick
    expect(evaluationIdsOf({ policy: { accuracy: 1 } })).toEqual([]);
    expect(evaluationIdsOf(null)).toEqual([]);
  });
});

describe('the first-launch demo', () => {
  const job = (id: number, kind: string, status: Job['status']): Job => ({
    id,
    kind,
    title: kind,
    status,
    done: 0,
    total: null,
    etaSeconds: null,
    message: null,
    error: null,
    result: null,
    createdAt: 0,
    startedAt: null,
    finishedAt: null,
  });

  it('opens its result only when a demo job seen running has succeeded', () => {
    expect(demoJustSucceeded({ 1: job(1, 'demo.run', 'running') }, { 1: job(1, 'demo.run', 'succeeded') })).toBe(true);
    expect(demoJustSucceeded({ 1: job(1, 'demo.run', 'running') }, { 1: job(1, 'demo.run', 'failed') })).toBe(false);
    // Finished before this window saw it (an earlier launch): the page the user chose stays.
    expect(demoJustSucceeded({}, { 1: job(1, 'demo.run', 'succeeded') })).toBe(false);
    expect(demoJustSucceeded({ 1: job(1, 'demo.run', 'succeeded') }, { 1: job(1, 'demo.run', 'succeeded') })).toBe(
      false,
    );
    expect(demoJustSucceeded({ 2: job(2, 'eval.run', 'running') }, { 2: job(2, 'eval.run', 'succeeded') })).toBe(false);
    expect(justSucceeded('eval.run', { 2: job(2, 'eval.run', 'queued') }, { 2: job(2, 'eval.run', 'succeeded') })).toBe(
      true,
    );
  });
});
