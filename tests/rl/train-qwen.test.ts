// `searchlab train --config` on a run config whose model.path is a Qwen2.5-VL folder: GRPO with multi-turn rollouts
// against the local search engine, the policy updated step by step, and each checkpoint a Qwen2.5-VL folder of the
// published layout that SearchLab (and transformers) load again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { buildDemoWorkspace, DEMO_CORPUS, DEMO_DATASET } from '../../src/main/demo/pipeline/workspace';
import { QUICK_WORLD } from '../../src/main/demo/world/world';
import { writeRandomQwen25Vl } from '../../src/main/model/families/qwen2_5_vl/random';
import { checkQwen25VlFolder, loadQwen25VlFolder } from '../../src/main/model/families/qwen2_5_vl/folder';
import { loadPolicyModel } from '../../src/main/model/policy/load';
import { createRun } from '../../src/main/rl/runs';
import { runGrpo } from '../../src/main/rl/train/grpo';
import { logger } from '../../src/main/platform/log';
import { tempHome, removeTempHomes } from '../helpers/home';
import { repoRoot } from '../helpers/serve';

const run = promisify(execFile);
const STEPS = 2;
const PROMPTS = 2;
const GROUP = 2;
let home: string;
let modelDir: string;
let output: string;

beforeAll(async () => {
  home = tempHome();
  const store = openStore(homePaths(home).database);
  await buildDemoWorkspace(
    store,
    home,
    { ...QUICK_WORLD, entities: 12, questionsPerEntity: 2, testQuestionsPerEntity: 2, webOnlySpecies: 0 },
    { progress: () => {}, throwIfCancelled: () => {} },
  );
  store.close();
  modelDir = path.join(home, 'qwen-tiny');
  writeRandomQwen25Vl(modelDir, { size: 'tiny', seed: 8 });
  const configFile = path.join(home, 'run.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      name: 'qwen-grpo',
      model: { path: modelDir },
      dataset: DEMO_DATASET,
      search: { engine: 'local', corpus: DEMO_CORPUS, thumbnails: false },
      rollout: { groupSize: GROUP, maxTokensPerTurn: 6, maxTurns: 2 },
      // a random model never answers, so every reward is alike and the advantages are zero: the entropy bonus
      // still moves the weights, which is what shows each update reaching the next step's policy
      grpo: { steps: STEPS, batchPrompts: PROMPTS, miniBatch: 4, microBatch: 2, lr: 1e-3, entropyCoef: 0.05 },
      runtime: { device: 'cpu' },
      checkpointEvery: 1,
    }),
  );
  const result = await run(
    process.execPath,
    [path.join(repoRoot, 'bin', 'searchlab.mjs'), 'train', '--config', configFile, '--home', home],
    { cwd: repoRoot, env: { ...process.env, SEARCHLAB_LOG: 'warn' } },
  );
  output = result.stdout + result.stderr;
}, 600_000);

afterAll(removeTempHomes);

describe('a GRPO run on a Qwen2.5-VL folder', () => {
  it('runs every step, storing the rollouts in the model’s own tokens', () => {
    expect(output).toMatch(/step 2: reward/);
    const store = openStore(homePaths(home).database);
    try {
      const r = store.repos.runs.byName('qwen-grpo')!;
      expect(r.status).toBe('finished');
      expect(r.step).toBe(STEPS);
      for (let s = 1; s <= STEPS; s++) expect(store.repos.trajectories.countForStep(r.id, s)).toBe(PROMPTS * GROUP);
      const names = new Set(store.repos.runs.metrics(r.id).map((m) => m.name));
      for (const n of ['reward_mean', 'loss', 'entropy', 'grad_norm']) expect(names).toContain(n);
      const row = store.db.prepare('SELECT ids FROM trajectories WHERE run_id = ? LIMIT 1').get(r.id) as {
        ids: Buffer;
      };
      const ids = new Int32Array(row.ids.buffer.slice(row.ids.byteOffset, row.ids.byteOffset + row.ids.byteLength));
      // Qwen's vocabulary: the chat template's <|im_start|> and the picture's <|image_pad|> run
      expect(ids).toContain(151644);
      expect(ids).toContain(151655);
    } finally {
      store.close();
    }
  });

  it('keeps each checkpoint as a Qwen2.5-VL folder whose weights the updates moved', async () => {
    const store = openStore(homePaths(home).database);
    const r = store.repos.runs.byName('qwen-grpo')!;
    const checkpoints = store.repos.runs.checkpoints(r.id);
    store.close();
    expect(checkpoints.map((c) => c.step)).toEqual([1, 2]);
    const last = checkpoints.at(-1)!.path;
    checkQwen25VlFolder(last);
    const config = JSON.parse(fs.readFileSync(path.join(last, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('qwen2_5_vl');
    expect(config.torch_dtype).toBe('float32');
    const start = loadQwen25VlFolder(modelDir).weights;
    const trained = loadQwen25VlFolder(last).weights;
    const moved = (name: string) =>
      trained.get(name)!.data.reduce((m, v, i) => Math.max(m, Math.abs(v - start.get(name)!.data[i])), 0);
    expect(moved('model.layers.0.mlp.up_proj.weight')).toBeGreaterThan(1e-5);
    expect(moved('lm_head.weight')).toBeGreaterThan(1e-5);
    // and it runs as a policy again
    const policy = loadPolicyModel(last, { device: 'cpu' });
    try {
      const { generations } = await policy.generate([{ ids: policy.encode('Hello', []) }], {
        maxNewTokens: 3,
        temperature: 0,
      });
      expect(generations[0].tokens).toHaveLength(3);
    } finally {
      await policy.release();
    }
  });
});

describe('a paused GRPO run on a Qwen2.5-VL folder', () => {
  it('resumes from its last committed step, optimizer state and all, and runs to its end', async () => {
    const store = openStore(homePaths(home).database);
    try {
      const run = createRun(store, {
        name: 'qwen-resume',
        model: { path: modelDir },
        dataset: DEMO_DATASET,
        search: { engine: 'local', corpus: DEMO_CORPUS, thumbnails: false },
        rollout: { groupSize: GROUP, maxTokensPerTurn: 4, maxTurns: 2 },
        grpo: { steps: 3, batchPrompts: PROMPTS, miniBatch: 4, microBatch: 2, lr: 1e-3, entropyCoef: 0.05 },
        runtime: { device: 'cpu' },
        checkpointEvery: 1,
      });
      const context = (stopAfter: number | null) => {
        let steps = 0;
        return {
          store,
          home,
          log: logger('test'),
          progress: () => void steps++,
          cancelled: () => stopAfter !== null && steps >= stopAfter,
        };
      };
      expect(await runGrpo(context(1), run.id)).toEqual({ step: 1, finished: false });
      expect(store.repos.runs.get(run.id)!.status).toBe('paused');
      // the resumed run loads step 1's policy and optimizer state, and the state folders it started from are
      // removed as later steps commit: saving must not need them
      expect(await runGrpo(context(null), run.id)).toEqual({ step: 3, finished: true });
      expect(store.repos.runs.checkpoints(run.id).map((c) => c.step)).toEqual([1, 2, 3]);
      for (let s = 1; s <= 3; s++) expect(store.repos.trajectories.countForStep(run.id, s)).toBe(PROMPTS * GROUP);
      const last = store.repos.runs.checkpoints(run.id).at(-1)!.path;
      checkQwen25VlFolder(last);
      expect(fs.readFileSync(path.join(last, 'tokenizer.json'))).toEqual(
        fs.readFileSync(path.join(modelDir, 'tokenizer.json')),
      );
    } finally {
      store.close();
    }
  }, 300_000);
});
