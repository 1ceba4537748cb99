// A dump's data_index names a row of the dataset as it was exported; a dataset imported again or reordered since
// puts another sample at that row. The import checks the row's question against the rollout's prompt, falls back
// to the prompt's question when they differ, and says so.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempHomes } from '../helpers/home';
import { queryDatabase, runImportRollouts, seededExportHome, writeLines } from './fixtures';

afterEach(removeTempHomes);

const line = (dataIndex: number, asked: number | null) =>
  JSON.stringify({
    input:
      asked === null
        ? 'system\n(prompt cut by the logger)'
        : `user\nQuestion: What landmark is shown in picture ${asked}?\nassistant\n`,
    output: `<reason>I know it.</reason><answer>Landmark ${asked ?? dataIndex}</answer>`,
    gts: `Landmark ${asked ?? dataIndex}`,
    score: 1,
    step: 1,
    data_index: dataIndex,
  });

describe('a data_index that names another sample than the prompt asks about', () => {
  it('is checked against the question, falls back to the question match and is reported', async () => {
    const { home, dir } = await seededExportHome();
    const file = path.join(dir, 'rollouts/1.jsonl');
    writeLines(file, [line(5, 7), line(4, 4), line(6, null)]);
    const run = await runImportRollouts(file, home, 'cluster', { dataset: 'seed', groupSize: 1, json: true });
    expect(run.err).toBe('');
    const result = run.json();
    expect(result).toMatchObject({ committed: true, trajectories: 3, unmatchedSamples: 0 });
    expect(result.idMismatches).toEqual([
      '1.jsonl:1: data_index 5 is "What landmark is shown in picture 5?" in dataset "seed", but the prompt asks ' +
        '"What landmark is shown in picture 7?"; matched by the prompt instead',
    ]);
    const matched = queryDatabase<{ question: string }>(
      home,
      'SELECT s.question FROM trajectories t JOIN samples s ON s.id = t.sample_id ORDER BY t.id',
    );
    expect(matched.map((m) => m.question)).toEqual([
      'What landmark is shown in picture 7?',
      'What landmark is shown in picture 4?',
      'What landmark is shown in picture 6?',
    ]);
  });
});
