// The method's trainer dumps no training rollouts: the exported reward.py appends every rollout it scores to
// SEARCHLAB_ROLLOUT_DUMP_DIR in upstream veRL's {step}.jsonl layout. Here python3 calls it the way the method's
// reward manager does (keyword arguments, the model's turns as a list, the answers as a list, the parquet's
// extra_info) from a stand-in trainer with global_steps and _validate, and the dump imports with import-rollouts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempHomes } from '../helpers/home';
import { runExportVerl, runImportRollouts, runPython, seededExportHome } from './fixtures';

afterEach(removeTempHomes);

const TRAINER = String.raw`
import json, sys
import reward

ROWS = json.loads(sys.argv[1])


def items(rows):
    out = []
    for i in rows:
        extra = {"index": i, "split": "train", "question": "What landmark is shown in picture %d?" % i,
                 "data_id": "fvqa-%d" % i, "search_need": "needs_image"}
        gold = ["Landmark %d" % i, "landmark %d" % i]
        right = ["<reason>I do not know it.</reason><search><img></search>",
                 "<reason>The results name it.</reason><answer>Landmark %d</answer>" % i]
        wrong = ["<reason>A guess.</reason><answer>A tower</answer>"]
        out += [("mmsearch_r1/fvqa", right, gold, extra), ("mmsearch_r1/fvqa", wrong, gold, extra)]
    return out


class RewardManager:
    def __call__(self, batch):
        return [reward.compute_score_for_method(data_source=d, solution_str=s, ground_truth=g, extra_info=e)
                for d, s, g, e in batch]


class Trainer:
    def __init__(self):
        self.global_steps = 0
        self.reward_fn = RewardManager()

    def _validate(self):
        return self.reward_fn(items([ROWS[-1]]))

    def fit(self):
        scores = {"val": self._validate()}
        self.global_steps = 1
        for _ in range(2):
            scores["train%d" % self.global_steps] = self.reward_fn(items(ROWS[:-1]))
            self.global_steps += 1
        return scores


print(json.dumps(Trainer().fit()))
`;

describe("the exported reward.py's rollout dump for the method's trainer", () => {
  it('appends each scored rollout by step, validation apart, and the dump imports with its scores', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'export');
    const exported = await runExportVerl({ home, runConfigFile }, out, { target: 'mmsearch-r1' });
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'run.sh'), 'utf8')).toContain(
      'export SEARCHLAB_ROLLOUT_DUMP_DIR="${SEARCHLAB_ROLLOUT_DUMP_DIR:-$EXPORT_DIR/rollouts}"',
    );

    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toContain(
      '`reward.py` appends every rollout it scores to `rollouts/train/{step}.jsonl`',
    );
    const dump = path.join(out, 'rollouts');
    const run = runPython(out, TRAINER, {
      args: [JSON.stringify([0, 1, 2])],
      env: { SEARCHLAB_ROLLOUT_DUMP_DIR: dump },
    });
    expect(run.stderr).toBe('');
    const scores = JSON.parse(run.stdout) as Record<string, number[]>;
    expect(scores.train1).toEqual(scores.train2);
    expect(scores.train1[0]).toBeGreaterThan(scores.train1[1]);

    const files = (fs.readdirSync(dump, { recursive: true }) as string[]).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files).toEqual(['train/1.jsonl', 'train/2.jsonl', 'val/0.jsonl']);
    const first = JSON.parse(fs.readFileSync(path.join(dump, 'train/1.jsonl'), 'utf8').split('\n')[0]) as Record<
      string,
      unknown
    >;
    expect(first).toMatchObject({
      step: 1,
      gts: ['Landmark 0', 'landmark 0'],
      score: scores.train1[0],
      data_index: 0,
      data_id: 'fvqa-0',
      search_need: 'needs_image',
    });

    const imported = await runImportRollouts(dump, home, 'cluster', { dataset: 'seed', json: true });
    expect(imported.err).toBe('');
    expect(imported.json()).toMatchObject({
      committed: true,
      trajectories: 10,
      groupSize: 2,
      steps: [0, 1, 2],
      unmatchedSamples: 0,
      unknownFields: [],
      bad: [],
      disagreements: [],
    });
  });
});
