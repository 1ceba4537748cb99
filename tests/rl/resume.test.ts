// Killing `searchlab train` at a random moment and running it again resumes from the last committed step:
// every step is stored exactly once and no completed trajectory is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { buildDemoWorkspace, DEMO_CORPUS, DEMO_DATASET } from '../../src/main/demo/pipeline/workspace';
import { pretrainDemoModel, DEFAULT_PRETRAIN } from '../../src/main/demo/pipeline/pretrain';
import { DEMO_TEMPLATES } from '../../src/main/demo/pipeline/settings';
import { QUICK_WORLD } from '../../src/main/demo/world/world';
import { tempHome, removeTempHomes } from '../helpers/home';
import { TINY_MODEL } from '../helpers/run-fixture';
import { repoRoot } from '../helpers/serve';

// Enough steps that the rest of the run outlasts the kill's random delay many times over (a step of this tiny run
// takes tens of milliseconds).
const STEPS = 24;
const CHECKPOINT_EVERY = 4;
const everyStep = Array.from({ length: STEPS }, (_, i) => i + 1);
const PROMPTS = 2;
const GROUP = 2;
let home: string;
let configFile: string;

beforeAll(async () => {
  home = tempHome();
  const store = openStore(homePaths(home).database);
  const hooks = { progress: () => {}, throwIfCancelled: () => {} };
  const world = await buildDemoWorkspace(
    store,
    home,
    { ...QUICK_WORLD, entities: 12, questionsPerEntity: 2, testQuestionsPerEntity: 2, webOnlySpecies: 0 },
    hooks,
  );
  const pretrained = await pretrainDemoModel(
    store,
    home,
    world,
    {
      ...DEFAULT_PRETRAIN,
      corpus: DEMO_CORPUS,
      epochs: 1,
      factEpochs: 1,
      batchSize: 4,
      drillSteps: 4,
      factPasses: 1,
      protocolPasses: 1,
      knowledgeLessons: 1,
      gates: false,
      model: TINY_MODEL,
    },
    hooks,
  );
  const checkpoint = store.repos.runs.addCheckpoint(null, 0, pretrained.folder, pretrained.model.config);
  store.close();
  configFile = path.join(home, 'run.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      name: 'resume-test',
      model: { checkpoint },
      dataset: DEMO_DATASET,
      search: { engine: 'local', corpus: DEMO_CORPUS, thumbnails: false },
      rollout: { groupSize: GROUP, templates: DEMO_TEMPLATES, maxTokensPerTurn: 24, maxTotalTokens: 72 },
      grpo: { steps: STEPS, batchPrompts: PROMPTS, miniBatch: 4, lr: 1e-3, maxSequenceLength: 512 },
      checkpointEvery: CHECKPOINT_EVERY,
    }),
  );
}, 300_000);
afterAll(removeTempHomes);

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'searchlab.mjs'), ...args, '--home', home], {
      cwd: repoRoot,
      env: { ...process.env, SEARCHLAB_LOG: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function train(killAfterStep: number | null): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'searchlab.mjs'), 'train', '--config', configFile, '--home', home],
      // Its own process group, so the kill takes the command and the training job's process together.
      { cwd: repoRoot, env: { ...process.env, SEARCHLAB_LOG: 'warn' }, detached: true },
    );
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const match = output.match(/step (\d+): reward/g);
      if (killAfterStep !== null && match && match.length >= killAfterStep && child.exitCode === null) {
        // Somewhere inside the next step: rollouts, the update or the commit.
        setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), Math.floor(Math.random() * 120));
        killAfterStep = null;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('resuming a training run', () => {
  it('after a kill at a random point, continues from the last committed step with nothing lost or repeated', async () => {
    const first = await train(1);
    expect(first.code, `the first attempt ran to its end before the kill:\n${first.output}`).not.toBe(0);
    const store = openStore(homePaths(home).database);
    const run = store.repos.runs.byName('resume-test')!;
    const committed = run.step;
    expect(committed).toBeGreaterThanOrEqual(1);
    expect(committed).toBeLessThan(STEPS);
    expect(store.repos.trajectories.countForRun(run.id)).toBe(committed * PROMPTS * GROUP);
    store.close();

    const second = await train(null);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain(`Resuming run ${run.id}`);
    const after = openStore(homePaths(home).database);
    const done = after.repos.runs.get(run.id)!;
    expect(done.step).toBe(STEPS);
    expect(done.status).toBe('finished');
    for (let s = 1; s <= STEPS; s++) expect(after.repos.trajectories.countForStep(run.id, s)).toBe(PROMPTS * GROUP);
    const steps = after.repos.runs
      .metrics(run.id)
      .filter((m) => m.name === 'reward_mean')
      .map((m) => m.step);
    expect(steps).toEqual(everyStep);
    expect(after.repos.runs.checkpoints(run.id).map((c) => c.step)).toEqual(
      everyStep.filter((s) => s % CHECKPOINT_EVERY === 0),
    );
    // Each step's recorded figures, before the kill and after the resume alike, are those of the trajectories stored
    // for it: a step whose rollouts were lost, repeated or mixed with the killed attempt's would not match.
    const stored = after.db
      .prepare(
        `SELECT j.step AS step, avg(r.total) AS reward, avg(json_extract(r.parts, '$.score')) AS score,
                avg(EXISTS (SELECT 1 FROM turns t
                            WHERE t.trajectory_id = j.id AND t.action IN ('image_search', 'text_search'))) AS searched
         FROM trajectories j JOIN rewards r ON r.trajectory_id = j.id
         WHERE j.run_id = ? GROUP BY j.step ORDER BY j.step`,
      )
      .all(run.id) as { step: number; reward: number; score: number; searched: number }[];
    const recorded = (name: string) =>
      after.repos.runs
        .metrics(run.id)
        .filter((m) => m.name === name)
        .map((m) => m.value);
    expect(stored.map((s) => s.step)).toEqual(everyStep);
    stored.forEach((s, i) => {
      expect(recorded('reward_mean')[i], `step ${s.step} reward_mean`).toBeCloseTo(s.reward, 9);
      expect(recorded('accuracy')[i], `step ${s.step} accuracy`).toBeCloseTo(s.score, 9);
      expect(recorded('search_ratio')[i], `step ${s.step} search_ratio`).toBeCloseTo(s.searched, 9);
    });
    after.close();
  });

  it('lists the run with its checkpoints and last metrics, and evaluates a checkpoint', async () => {
    const runs = await cli(['runs', '--json']);
    expect(runs.code, runs.stderr).toBe(0);
    const [run] = JSON.parse(runs.stdout) as {
      id: number;
      name: string;
      status: string;
      step: number;
      checkpoints: number;
      last: Record<string, number>;
    }[];
    expect(run).toMatchObject({
      name: 'resume-test',
      status: 'finished',
      step: STEPS,
      checkpoints: STEPS / CHECKPOINT_EVERY,
    });
    expect(Object.keys(run.last)).toEqual(
      expect.arrayContaining(['accuracy', 'search_ratio', 'kl', 'clip_fraction', 'grad_norm']),
    );
    // The listing shows the last step's figures as the run recorded them.
    const recorded = openStore(homePaths(home).database);
    const lastStep = recorded.repos.runs.metrics(run.id).filter((m) => m.step === STEPS);
    recorded.close();
    expect(lastStep.length).toBeGreaterThan(0);
    for (const m of lastStep) expect(run.last[m.name], m.name).toBe(m.value);

    const store = openStore(homePaths(home).database);
    const checkpoint = store.repos.runs.checkpoints(run.id).at(-1)!;
    store.close();
    const evaluated = await cli([
      'eval',
      '--checkpoint',
      String(checkpoint.id),
      '--dataset',
      DEMO_DATASET,
      '--limit',
      '3',
      '--baselines',
      '--json',
    ]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout) as Record<
      string,
      { questions: number; accuracy: number; searchRatio: number; searchesPerQuestion: number }
    >;
    expect(Object.keys(result).sort()).toEqual(['direct', 'policy', 'rag']);
    expect(result.policy.questions).toBe(3);
    expect(result.direct.searchesPerQuestion).toBe(0);
    expect(result.rag.searchRatio).toBe(1);
    // The run showed its model image search results without thumbnails: so does the evaluation of its checkpoint.
    const evaluations = openStore(homePaths(home).database);
    const shown = evaluations.db
      .prepare(
        'SELECT t.tool_result AS result FROM turns t JOIN trajectories j ON j.id = t.trajectory_id ' +
          "JOIN runs r ON r.id = j.run_id WHERE r.kind = 'eval' AND t.action = 'image_search'",
      )
      .all() as { result: string }[];
    evaluations.close();
    expect(shown.length).toBeGreaterThanOrEqual(3); // RAG searched every question's image
    for (const { result } of shown) expect(JSON.parse(result).images).toEqual([]);
    // The same checkpoint suggests search-need labels: N answers without search per sample.
    const suggested = await cli([
      'datasets',
      'suggest',
      DEMO_DATASET,
      '--checkpoint',
      String(checkpoint.id),
      '--runs',
      '2',
      '--json',
    ]);
    expect(suggested.code, suggested.stderr).toBe(0);
    const check = openStore(homePaths(home).database);
    const datasetId = check.repos.datasets.find(DEMO_DATASET)!.id;
    expect(check.repos.samples.suggestionCount(datasetId)).toBe(
      check.repos.trajectories.trainingRows(datasetId, null).length,
    );
    check.close();
    const bad = await cli(['eval', '--checkpoint', '999', '--dataset', DEMO_DATASET]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/No checkpoint with id 999/);
  });
});
