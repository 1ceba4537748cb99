// `searchlab import-rollouts` on dumps written in each layout a cluster produces, from their documented fields.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempHomes } from '../helpers/home';
import { queryDatabase, runImportRollouts, seededExportHome, writeLines } from './fixtures';

afterEach(removeTempHomes);

const IMAGE_TURN = '<reason>I do not know this building.</reason><search><img></search>';
const injected = (i: number) =>
  `\nuser\n<information>Image search results ${i}</information>\nQuestion: What landmark is shown in picture ${i}?\nUse the information.\nassistant\n`;
const answer = (text: string) => `<reason>The results say so.</reason><answer>${text}</answer>`;
/** The decoded prompt as veRL dumps it (chat markup removed). */
const input = (i: number) =>
  `system\nYou are a helpful assistant.\nuser\nAnswer the question about the image.\nQuestion: What landmark is shown in picture ${i}?\nassistant\n`;

function verlLine(
  step: number,
  i: number,
  output: string,
  score: number,
  extras: Record<string, unknown> = {},
): string {
  return JSON.stringify({ input: input(i), output, gts: `Landmark ${i}`, score, step, ...extras });
}

/** Step `step`: prompts 0 and 1, four rollouts each, side by side as veRL repeats them. */
function verlStep(step: number): string[] {
  return [0, 1].flatMap((i) => [
    verlLine(step, i, answer(`Landmark ${i}`), 1, { acc: 1 }),
    verlLine(step, i, `${IMAGE_TURN}${injected(i)}${answer(`Landmark ${i}`)}`, 0.91, { acc: 1 }),
    verlLine(step, i, answer('A tower'), 0.1, { acc: 0 }),
    verlLine(step, i, 'no tags at all', 0, { acc: 0 }),
  ]);
}

const runCount = (home: string) => queryDatabase<{ n: number }>(home, 'SELECT count(*) AS n FROM runs')[0].n;

describe('importing upstream veRL rollout dumps ({step}.jsonl)', () => {
  it('builds groups, turns, matched samples, cluster rewards with advantages and step metrics', async () => {
    const { home, dir } = await seededExportHome();
    const rollouts = path.join(dir, 'rollouts');
    writeLines(path.join(rollouts, 'train/1.jsonl'), verlStep(1));
    writeLines(path.join(rollouts, 'train/2.jsonl'), verlStep(2));
    writeLines(path.join(rollouts, 'val/2.jsonl'), [verlLine(2, 3, answer('Landmark 3'), 1)]);
    const run = await runImportRollouts(rollouts, home, 'cluster', { dataset: 'seed', json: true });
    expect(run.err).toBe('');
    const result = run.json();
    expect(result).toMatchObject({
      committed: true,
      trajectories: 17,
      groups: 5,
      groupSize: 4,
      steps: [1, 2],
      unknownFields: [],
      unmatchedSamples: 0,
      bad: [],
    });
    expect(result.disagreements).toEqual([]);

    const trajectories = queryDatabase<{
      id: number;
      step: number;
      group_index: number;
      sample_index: number;
      question: string;
      end_reason: string;
      final_answer: string | null;
      image_searches: number;
      total: number;
      advantage: number;
    }>(
      home,
      `SELECT t.id, t.step, t.group_index, t.sample_index, s.question, t.end_reason, t.final_answer, t.image_searches, r.total, r.advantage
       FROM trajectories t JOIN runs u ON u.id = t.run_id LEFT JOIN samples s ON s.id = t.sample_id LEFT JOIN rewards r ON r.trajectory_id = t.id
       WHERE u.name = 'cluster' ORDER BY t.step, t.group_index, t.sample_index`,
    );
    expect(trajectories).toHaveLength(17);
    const first = trajectories.slice(0, 4);
    expect(first.map((t) => [t.step, t.group_index, t.sample_index])).toEqual([
      [1, 0, 0],
      [1, 0, 1],
      [1, 0, 2],
      [1, 0, 3],
    ]);
    expect(first.every((t) => t.question === 'What landmark is shown in picture 0?')).toBe(true);
    expect(first.map((t) => t.end_reason)).toEqual(['answered', 'answered', 'answered', 'invalid_action']);
    expect(first.map((t) => t.total)).toEqual([1, 0.91, 0.1, 0]);
    expect(first.map((t) => t.image_searches)).toEqual([0, 1, 0, 0]);
    expect(first[0].advantage).toBeGreaterThan(0);
    expect(first[3].advantage).toBeLessThan(0);

    const turns = queryDatabase<{
      turn_index: number;
      prompt_text: string;
      response_text: string;
      action: string;
      well_formed: number;
    }>(
      home,
      'SELECT turn_index, prompt_text, response_text, action, well_formed FROM turns WHERE trajectory_id = ? ORDER BY turn_index',
      first[1].id,
    );
    expect(turns).toEqual([
      {
        turn_index: 0,
        prompt_text: input(0).replace(/\nassistant\n$/, ''),
        response_text: IMAGE_TURN,
        action: 'image_search',
        well_formed: 1,
      },
      {
        turn_index: 1,
        prompt_text: injected(0)
          .replace(/^\nuser\n/, '')
          .replace(/\nassistant\n$/, ''),
        response_text: answer('Landmark 0'),
        action: 'answer',
        well_formed: 1,
      },
    ]);
    const metrics = Object.fromEntries(
      queryDatabase<{ name: string; value: number }>(
        home,
        "SELECT m.name, m.value FROM run_metrics m JOIN runs u ON u.id = m.run_id WHERE u.name = 'cluster' AND m.step = 2",
      ).map((m) => [m.name, m.value]),
    );
    expect(metrics.reward_mean).toBeCloseTo((1 + 0.91 + 0.1 + 0) / 4);
    expect(metrics.image_search_ratio).toBe(0.25);
    expect(metrics['val/reward_mean']).toBe(1);
    expect(
      queryDatabase<{ status: string; step: number }>(home, "SELECT status, step FROM runs WHERE name = 'cluster'")[0],
    ).toEqual({ status: 'finished', step: 2 });
  });

  it('lists malformed lines by file and line and writes nothing; --skip-bad imports the good lines', async () => {
    const { home, dir } = await seededExportHome();
    const rollouts = path.join(dir, 'rollouts');
    const lines = verlStep(1);
    lines[2] = '{"input": "truncated';
    lines[4] = JSON.stringify({ input: input(1), output: answer('x'), gts: 'Landmark 1', step: 1 });
    writeLines(path.join(rollouts, 'train/1.jsonl'), lines);
    const refused = await runImportRollouts(rollouts, home, 'cluster', { dataset: 'seed' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('train/1.jsonl:3: not JSON');
    expect(refused.err).toContain('train/1.jsonl:5: "score" must be a number, found nothing');
    expect(refused.out).toContain('Nothing imported: 2 bad line(s)');
    expect(runCount(home)).toBe(0);

    const skipped = await runImportRollouts(rollouts, home, 'cluster', {
      dataset: 'seed',
      groupSize: 4,
      skipBad: true,
      json: true,
    });
    expect(skipped.json()).toMatchObject({ committed: true, trajectories: 6, groupSize: 4 });
  });

  it('finds the sample by the dataset row or data id the reward logged, when the prompt does not show the question', async () => {
    const { home, dir } = await seededExportHome();
    const file = path.join(dir, 'rollouts/1.jsonl');
    const opaque = (extras: Record<string, unknown>) =>
      JSON.stringify({
        input: 'system\n(prompt cut by the logger)',
        output: answer('Landmark 5'),
        gts: 'Landmark 5',
        score: 1,
        step: 1,
        ...extras,
      });
    writeLines(file, [opaque({ data_index: 5 }), opaque({ data_id: 'fvqa-6' }), opaque({})]);
    const run = await runImportRollouts(file, home, 'cluster', { dataset: 'seed', groupSize: 1, json: true });
    expect(run.json()).toMatchObject({ committed: true, trajectories: 3, unmatchedSamples: 1 });
    const matched = queryDatabase<{ data_id: string | null }>(
      home,
      'SELECT s.data_id FROM trajectories t LEFT JOIN samples s ON s.id = t.sample_id ORDER BY t.id',
    );
    expect(matched.map((m) => m.data_id)).toEqual(['fvqa-5', 'fvqa-6', null]);
  });

  it('asks for --group-size when every prompt appears once, and names a count that is no multiple of it', async () => {
    const { home, dir } = await seededExportHome();
    const file = path.join(dir, 'rollouts/1.jsonl');
    writeLines(file, [
      verlLine(1, 0, answer('Landmark 0'), 1),
      verlLine(1, 1, answer('Landmark 1'), 1),
      verlLine(1, 2, answer('x'), 0),
    ]);
    const asked = await runImportRollouts(file, home, 'cluster');
    expect(asked.code).toBe(1);
    expect(asked.err).toContain(
      'Cannot tell the GRPO group size: every prompt appears once per step. Pass --group-size N',
    );
    expect(runCount(home)).toBe(0);
    const wrong = await runImportRollouts(file, home, 'cluster', { groupSize: 2 });
    expect(wrong.err).toContain(
      '1.jsonl:1: the prompt of this rollout has 1 rollouts in step 1, which is not a multiple of --group-size 2',
    );
    const ones = await runImportRollouts(file, home, 'cluster', { groupSize: 1, json: true });
    expect(ones.json()).toMatchObject({ committed: true, trajectories: 3, groups: 3, unmatchedSamples: 3 });
  });
});

describe("importing the method's validation results", () => {
  const methodInput = (i: number) =>
    `user\nAnswer the user's question based on the provided image.\nHere is the image and the question:\n What landmark is shown in picture ${i}?\nassistant\n`;
  const record = (i: number, score: number, output: string) => ({
    step: 10,
    input_text: methodInput(i),
    output_text: output,
    score,
    reward_model: { ground_truth: `Landmark ${i}`, candidate_answers: '[]', style: 'rule' },
    image_url: i === 0 ? 'https://example.org/0.jpg' : null,
  });

  it('reads val_result_{N}.json and an exported W&B val/generations table, matching samples by image address and question', async () => {
    const { home, dir } = await seededExportHome();
    const folder = path.join(dir, 'val');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'val_result_2.json'),
      JSON.stringify([record(0, 1, answer('Landmark 0')), { ...record(2, 0.1, answer('Tower')), latency: 3 }], null, 2),
    );
    const columns = ['step', 'input_text', 'output_text', 'score', 'reward_model', 'image_url'];
    const row = record(
      4,
      0.9,
      `${IMAGE_TURN}\nuser\nSearched results: <information>[Image Search Results] 1. title: Landmark 4</information>\n` +
        `Original user's question: What landmark is shown in picture 4?\nPlease answer.\nassistant\n${answer('Landmark 4')}`,
    );
    fs.writeFileSync(
      path.join(folder, 'val_generations.table.json'),
      JSON.stringify({ _type: 'table', columns, data: [columns.map((c) => (row as Record<string, unknown>)[c])] }),
    );
    const run = await runImportRollouts(folder, home, 'method-val', { dataset: 'seed', groupSize: 1, json: true });
    expect(run.err).toBe('');
    const result = run.json();
    expect(result).toMatchObject({
      committed: true,
      trajectories: 3,
      unmatchedSamples: 0,
      unknownFields: ['latency'],
      steps: [10],
    });
    expect(result.disagreements).toEqual([{ where: 'val_generations.table.json:1', cluster: 0.9, searchlab: 0.91 }]);
    const questions = queryDatabase<{ question: string; prompt_text: string }>(
      home,
      `SELECT s.question, u.prompt_text FROM trajectories t JOIN samples s ON s.id = t.sample_id JOIN turns u ON u.trajectory_id = t.id AND u.turn_index = 1`,
    );
    expect(questions).toEqual([
      {
        question: 'What landmark is shown in picture 4?',
        prompt_text:
          'Searched results: <information>[Image Search Results] 1. title: Landmark 4</information>\n' +
          "Original user's question: What landmark is shown in picture 4?\nPlease answer.",
      },
    ]);
  });

  it('names the record of a val_result file that lacks a field, by its line', async () => {
    const { home, dir } = await seededExportHome();
    const file = path.join(dir, 'val_result_1.json');
    const { output_text: _dropped, ...broken } = record(1, 1, '');
    fs.writeFileSync(file, JSON.stringify([record(0, 1, answer('Landmark 0')), broken], null, 2));
    const run = await runImportRollouts(file, home, 'x');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/val_result_1\.json:\d+: "output_text" must be text, found nothing/);
    const line = Number(/val_result_1\.json:(\d+)/.exec(run.err)![1]);
    expect(fs.readFileSync(file, 'utf8').split('\n')[line - 1].trim()).toBe('{');
    expect(runCount(home)).toBe(0);
  });

  it('names a W&B table row with the wrong number of values, and a file that is neither layout', async () => {
    const { home, dir } = await seededExportHome();
    const folder = path.join(dir, 'wandb');
    fs.mkdirSync(folder, { recursive: true });
    const columns = ['step', 'input_text', 'output_text', 'score'];
    fs.writeFileSync(
      path.join(folder, 'generations.table.json'),
      `{"columns": ${JSON.stringify(columns)},\n "data": [\n  [1, "q", "${'<reason>r</reason><answer>a</answer>'}", 1],\n  [1, "q", 0.5]\n]}`,
    );
    fs.writeFileSync(path.join(folder, 'notes.json'), '{"hello": 1}');
    const run = await runImportRollouts(folder, home, 'x', { groupSize: 1 });
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'generations.table.json:4: a table row must have 4 values (step, input_text, output_text, score)',
    );
    expect(run.err).toContain('notes.json:1: neither a list of records (val_result_{N}.json) nor a W&B table');
    expect(runCount(home)).toBe(0);
  });
});
