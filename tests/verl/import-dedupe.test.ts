// The method's val_result_{N}.json files and W&B table exports are cumulative: each holds every earlier
// validation's generations again. Importing several keeps each rollout once and says how many were dropped;
// identical rollouts within one file (a GRPO group's equal answers) are all kept.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempHomes } from '../helpers/home';
import { runImportRollouts, seededExportHome } from './fixtures';

afterEach(removeTempHomes);

const input = (i: number) =>
  `user\nAnswer the question.\nHere is the image and the question:\n What landmark is shown in picture ${i}?\nassistant\n`;
const answer = (text: string) => `<reason>I know it.</reason><answer>${text}</answer>`;
const record = (step: number, i: number, text: string) => ({
  step,
  input_text: input(i),
  output_text: answer(text),
  score: text === `Landmark ${i}` ? 1 : 0.1,
  reward_model: { ground_truth: `Landmark ${i}`, candidate_answers: '[]', style: 'rule' },
});

describe('importing cumulative validation files', () => {
  it('keeps each (step, input, output) once across files and reports the duplicates', async () => {
    const { home, dir } = await seededExportHome();
    const folder = path.join(dir, 'val');
    fs.mkdirSync(folder, { recursive: true });
    const first = [record(10, 0, 'Landmark 0'), record(10, 1, 'Tower'), record(10, 1, 'Tower')];
    const second = [...first, record(20, 0, 'Landmark 0'), record(20, 1, 'Landmark 1')];
    fs.writeFileSync(path.join(folder, 'val_result_1.json'), JSON.stringify(first, null, 2));
    fs.writeFileSync(path.join(folder, 'val_result_2.json'), JSON.stringify(second, null, 2));
    const run = await runImportRollouts(folder, home, 'method-val', { dataset: 'seed', groupSize: 1, json: true });
    expect(run.err).toBe('');
    expect(run.json()).toMatchObject({ committed: true, trajectories: 5, duplicates: 3, steps: [10, 20] });
    const said = await runImportRollouts(folder, home, 'method-val-2', { dataset: 'seed', groupSize: 1 });
    expect(said.out).toContain('3 rollout(s) repeated an earlier file (same step, prompt and output): kept once.');
  });
});
