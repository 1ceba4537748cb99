// A rollout that matched no dataset sample keeps what the cluster said about it (ground truth, candidate answers,
// question, search need, image): re-scoring and the debugger use it instead of an empty answer.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { importRollouts } from '../../src/main/verl/import';
import { rescoreRun } from '../../src/main/rl/rescore/rescore';
import { DEFAULT_REWARD_SPEC } from '../../src/main/rl';
import { removeTempHomes, tempHome } from '../helpers/home';

afterEach(removeTempHomes);

const input =
  'system\nYou are a helpful assistant.\nuser\nAnswer the question.\nQuestion: Which bridge is this?\nassistant\n';

describe('imported rollouts without a dataset sample', () => {
  it('re-score against the cluster ground truth and show the question, gold answer and need', async () => {
    const home = tempHome();
    const dir = tempHome('searchlab-verl-');
    const file = path.join(dir, '1.jsonl');
    fs.writeFileSync(
      file,
      JSON.stringify({
        input,
        output: '<reason>It spans the bay.</reason><answer>Golden Gate</answer>',
        gts: ['Golden Gate Bridge', 'Golden Gate'],
        score: 1,
        step: 1,
        search_need: 'no_search',
        image_url: 'https://example.org/bridge.jpg',
      }) + '\n',
    );
    const store = openStore(homePaths(home).database);
    try {
      const result = importRollouts(store, { path: file, run: 'cluster', groupSize: 1 });
      expect(result).toMatchObject({ committed: true, trajectories: 1, unmatchedSamples: 1 });
      const runId = result.runId!;

      const [row] = store.repos.rescore.rows(runId);
      expect(row).toMatchObject({
        answer: 'Golden Gate Bridge',
        candidateAnswers: ['Golden Gate'],
        need: 'no_search',
      });
      const { items } = await rescoreRun(store, runId, DEFAULT_REWARD_SPEC);
      expect(items[0].after.score).toBe(1);

      const summary = store.repos.trajectoryViews.summary(row.id)!;
      expect(summary).toMatchObject({ question: 'Which bridge is this?', need: 'no_search', sampleId: null });
      expect(store.repos.trajectoryViews.list({ runId, need: 'no_search' }, 0, 10).total).toBe(1);
      const detail = store.repos.trajectoryViews.detail(row.id)!;
      expect(detail.sample).toBeNull();
      expect(detail.reference).toEqual({
        question: 'Which bridge is this?',
        answer: 'Golden Gate Bridge',
        candidateAnswers: ['Golden Gate'],
        need: 'no_search',
        image: 'https://example.org/bridge.jpg',
      });
    } finally {
      store.close();
    }
  });
});
