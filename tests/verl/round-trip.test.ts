// Export → a simulated cluster step (SearchLab trajectories decoded the way veRL dumps them, scored by the exported
// reward.py under python3) → import: the same turns and rewards come back, and the debugger's views read them.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { compileTemplates, DEFAULT_TEMPLATES } from '../../src/main/rl/protocol/templates';
import { parseTurn } from '../../src/main/rl/protocol/actions';
import { compileReward, DEFAULT_REWARD_SPEC } from '../../src/main/rl/reward/spec';
import { formatImageResults, formatTextResults } from '../../src/main/search/tools/format';
import { rescoreRun } from '../../src/main/rl/rescore/rescore';
import { removeTempHomes } from '../helpers/home';
import { python, runExportVerl, runImportRollouts, seededExportHome, writeLines } from './fixtures';

afterEach(removeTempHomes);

const templates = compileTemplates(DEFAULT_TEMPLATES);

interface SimTurn {
  prompt: string;
  response: string;
}

/** One rollout as SearchLab's engine records it: the user turn before each model turn, and the model's text. */
function rollout(question: string, plan: 'direct' | 'image' | 'image+text' | 'wrong', answer: string): SimTurn[] {
  const ask = templates.question({ question, remaining_image_searches: 1, remaining_text_searches: 2 });
  const after = (tool_output: string, image: number, text: number, last: boolean) =>
    templates.afterTool({
      question,
      tool_output,
      is_last_turn: last,
      remaining_image_searches: image,
      remaining_text_searches: text,
    });
  const imageResults = formatImageResults([
    {
      rank: 1,
      title: `${answer}, a landmark`,
      url: 'https://example.org/a',
      snippet: null,
      summary: null,
      imageSha256: null,
      imageUrl: null,
    },
  ]);
  const textResults = formatTextResults(`${answer} history`, [
    {
      rank: 1,
      title: `${answer} history`,
      url: 'https://example.org/h',
      snippet: null,
      summary: `${answer} opened in 1901.`,
      imageSha256: null,
      imageUrl: null,
    },
  ]);
  const say = (text: string) => `<reason>Reasoning about it.</reason><answer>${text}</answer>`;
  const searchImage = '<reason>I do not recognise it.</reason><search><img></search>';
  switch (plan) {
    case 'direct':
      return [{ prompt: ask, response: say(answer) }];
    case 'wrong':
      return [{ prompt: ask, response: say('A tower') }];
    case 'image':
      return [
        { prompt: ask, response: searchImage },
        { prompt: after(imageResults, 0, 2, false), response: say(answer) },
      ];
    case 'image+text':
      return [
        { prompt: ask, response: searchImage },
        {
          prompt: after(imageResults, 0, 2, false),
          response: `<reason>Need more.</reason><text_search>${answer} history</text_search>`,
        },
        { prompt: after(textResults, 0, 1, true), response: say(answer) },
      ];
  }
}

/** What veRL's dump holds: the prompt and the whole response decoded with the chat's special tokens removed. */
function decodedInput(turns: SimTurn[]): string {
  return `system\nYou are a helpful assistant.\nuser\n${turns[0].prompt}\nassistant\n`;
}
function decodedOutput(turns: SimTurn[]): string {
  return turns.map((t, i) => (i === 0 ? t.response : `\nuser\n${t.prompt}\nassistant\n${t.response}`)).join('');
}

describe('export → cluster → import round trip', () => {
  it('gives back the same turns and rewards, with the debugger, group view and re-scoring reading the imported run', async () => {
    const { home, dir, rows, runConfigFile } = await seededExportHome({ rollout: { groupSize: 4 } });
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out, { target: 'verl' })).code).toBe(0);

    // Step 1 on the cluster: three prompts, four rollouts each, scored by the exported reward.py.
    const plans = ['direct', 'image', 'image+text', 'wrong'] as const;
    const simulated = [0, 1, 2].flatMap((i) =>
      plans.map((plan) => ({ i, turns: rollout(rows[i].question, plan, rows[i].answer) })),
    );
    const calls = simulated.map((s) => ({
      output: decodedOutput(s.turns),
      ground_truth: rows[s.i].answer,
      extra: { index: s.i, candidate_answers: JSON.stringify(rows[s.i].candidates), search_need: 'unknown' },
    }));
    const scored = JSON.parse(
      python(
        out,
        'import json, sys, reward\nprint(json.dumps([' +
          'reward.compute_score("mmsearch_r1/fvqa", c["output"], c["ground_truth"], c["extra"]) ' +
          'for c in json.load(sys.stdin)]))',
        JSON.stringify(calls),
      ),
    ) as Record<string, number>[];
    const dump = simulated.map((s, k) =>
      JSON.stringify({
        input: decodedInput(s.turns),
        output: calls[k].output,
        gts: rows[s.i].answer,
        ...scored[k],
        step: 1,
      }),
    );
    writeLines(path.join(out, 'rollouts/train/1.jsonl'), dump);

    const imported = await runImportRollouts(path.join(out, 'rollouts'), home, 'from-cluster', { json: true });
    expect(imported.err).toBe('');
    expect(imported.json()).toMatchObject({
      committed: true,
      trajectories: 12,
      groups: 3,
      groupSize: 4,
      unmatchedSamples: 0,
      disagreements: [],
      unknownFields: [],
    });

    const evaluator = compileReward(DEFAULT_REWARD_SPEC);
    const store = openStore(homePaths(home).database);
    try {
      const run = store.repos.runs.byName('from-cluster')!;
      const { items } = store.repos.trajectoryViews.list({ runId: run.id }, 0, 100);
      expect(items).toHaveLength(12);
      for (const [k, s] of simulated.entries()) {
        const detail = store.repos.trajectoryViews.detail(items[k].id)!;
        expect(detail.sample?.question).toBe(rows[s.i].question);
        expect(detail.turns.map((t) => t.responseText)).toEqual(s.turns.map((t) => t.response));
        expect(detail.turns.slice(1).map((t) => t.promptText)).toEqual(s.turns.slice(1).map((t) => t.prompt));
        expect(detail.turns[0].promptText).toContain(s.turns[0].prompt);
        const expected = evaluator.score({
          turns: s.turns.map((t) => parseTurn(t.response)),
          generatedTokens: 0,
          groundTruth: rows[s.i].answer,
          candidateAnswers: rows[s.i].candidates,
          need: 'unknown',
        });
        expect(detail.reward?.total).toBe(expected.total);
        expect(detail.reward?.parts.searchlabTotal).toBe(expected.total);
      }
      expect(new Set(items.map((t) => store.repos.trajectoryViews.detail(t.id)!.reward!.total)).size).toBe(3);
      expect(store.repos.trajectoryViews.steps(run.id)).toMatchObject([{ step: 1, trajectories: 12, groups: 3 }]);
      expect(store.repos.trajectoryViews.confusion(run.id, null).reduce((n, c) => n + c.count, 0)).toBe(12);
      const { items: rescored } = await rescoreRun(store, run.id, {
        ...DEFAULT_REWARD_SPEC,
        constants: { alpha: 0.1, search_penalty: 0.1 },
      });
      expect(rescored.every((r) => r.before.total === r.after.total)).toBe(true);
      const harsher = await rescoreRun(store, run.id, {
        ...DEFAULT_REWARD_SPEC,
        constants: { alpha: 0.1, search_penalty: 0.5 },
      });
      expect(harsher.items.filter((r) => r.before.total !== r.after.total)).toHaveLength(6);
    } finally {
      store.close();
    }
  });
});
