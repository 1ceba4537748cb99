// A Qwen2.5-VL folder used like a user's own model: `searchlab eval --model DIR` runs the policy and both baselines
// on the demo world's questions with the local search engine, stores the trajectories, and the debugger in
// Chromium opens one and shows the model's own tokens.
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serve, connect, repoRoot, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { launchBrowser, artifactPath } from '../helpers/browser';
import { makeRunFixture } from '../helpers/run-fixture';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { writeRandomQwen25Vl } from '../../src/main/model/families/qwen2_5_vl/random';
import { loadQwen25VlFolder } from '../../src/main/model/families/qwen2_5_vl/folder';

const run = promisify(execFile);

let engine: ServedEngine;
let browser: Browser;
let page: Page;
let home: string;
let modelDir: string;
let cli: Record<string, { questions: number; searchRatio: number; searchesPerQuestion: number }>;

beforeAll(async () => {
  home = tempHome();
  await makeRunFixture(home);
  modelDir = path.join(home, 'qwen-tiny');
  writeRandomQwen25Vl(modelDir, { size: 'tiny', seed: 3 });
  const { stdout } = await run(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'searchlab.mjs'),
      'eval',
      '--model',
      modelDir,
      '--dataset',
      'demo-world',
      '--baselines',
      '--limit',
      '2',
      '--max-tokens-per-turn',
      '12',
      '--json',
      '--home',
      home,
    ],
    { cwd: repoRoot, env: { ...process.env, SEARCHLAB_LOG: 'warn', SEARCHLAB_DEVICE: 'cpu' } },
  );
  cli = JSON.parse(stdout);
  engine = await serve(home);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  removeTempHomes();
});

describe('a Qwen2.5-VL model folder in SearchLab', () => {
  it('evaluates the policy, direct answering and always-search RAG with the local search engine', () => {
    expect(Object.keys(cli).sort()).toEqual(['direct', 'policy', 'rag']);
    for (const m of Object.values(cli)) expect(m.questions).toBe(2);
    // RAG searches by image, then by text, whatever the model writes; direct answering never searches
    expect(cli.rag.searchRatio).toBe(1);
    expect(cli.rag.searchesPerQuestion).toBe(2);
    expect(cli.direct.searchRatio).toBe(0);
  });

  it("stores the trajectories in the model's own vocabulary", () => {
    const store = openStore(homePaths(home).database);
    try {
      const checkpoint = store.repos.runs.checkpointAt(modelDir)!;
      expect(checkpoint).toBeDefined();
      const rows = store.db.prepare('SELECT id, ids FROM trajectories WHERE checkpoint_id = ?').all(checkpoint.id) as {
        id: number;
        ids: Buffer;
      }[];
      expect(rows.length).toBe(6);
      for (const row of rows) {
        const ids = new Int32Array(row.ids.buffer.slice(row.ids.byteOffset, row.ids.byteOffset + row.ids.byteLength));
        // Qwen's chat markup (<|im_start|> 151644) and the image's 151655 pads: ids of the model's own vocabulary
        expect(ids).toContain(151644);
        expect(ids.filter((id) => id === 151655).length).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }
  });

  it("opens one of its trajectories in the debugger with the model's tokens", async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Trajectories');
    const runSelect = page.getByLabel('Run');
    const label = `model qwen-tiny on demo-world (rag)`;
    await expect.poll(() => runSelect.locator('option').allTextContents()).toContain(label);
    const value = await runSelect.locator('option', { hasText: label }).getAttribute('value');
    await runSelect.selectOption(value!);
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe('2 trajectories');
    await expect.poll(() => page.getByTestId('trajectory-panel').getAttribute('data-trajectory')).not.toBeNull();
    await page.keyboard.press('t');
    const tokens = page.getByTestId('token-view');
    await expect.poll(() => tokens.count()).toBe(1);
    // Qwen's tokenizer decodes the conversation: its chat markup and vision tokens are single tokens of its own
    const text = (await tokens.textContent()) ?? '';
    expect(text).toContain('<|im_start|>');
    expect(text).toContain('<|vision_start|>');
    expect(text).toContain('<|image_pad|>');
    const vocab = loadQwen25VlFolder(modelDir).tokenizer;
    expect(vocab.tokenId('<|image_pad|>')).toBe(151655);
    await page.screenshot({ path: artifactPath('real-model-debugger.png'), fullPage: true });
  });

  it('replays a decision with the model (the action forced, the model continuing) and suggests labels with it', async () => {
    const client = await connect(engine);
    try {
      const ask = async (method: string, params: unknown) => {
        const reply = await client.request(method, params);
        if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
        return reply.result;
      };
      const runJob = async (kind: string, params: unknown) => {
        const started = await ask('jobs.start', { kind, params });
        for (let i = 0; i < 600; i++) {
          const job = await ask('jobs.get', { id: started.id });
          if (!['queued', 'running'].includes(job.status)) return job;
          await new Promise((r) => setTimeout(r, 250));
        }
        throw new Error(`${kind} did not finish`);
      };
      const runs = await ask('runs.list', {});
      const rag = runs.find((r: { name: string }) => r.name === 'model qwen-tiny on demo-world (rag)');
      const [trajectory] = (await ask('trajectories.list', { runId: rag.id, limit: 1 })).items;
      const options = await ask('replay.options', { trajectoryId: trajectory.id });
      // the evaluation names the model folder's checkpoint: replays default to it
      expect(options.decisions[0]).toMatchObject({ turn: 0, action: 'image_search' });
      const job = await runJob('trajectories.replay', { trajectoryId: trajectory.id, turn: 0, force: 'answer' });
      expect(job.error).toBeNull();
      const replay = await ask('replay.get', { id: job.result.replayId });
      expect(replay.checkpointId).toBe(options.defaultCheckpointId);
      expect(replay.outcome.turns[0]).toMatchObject({ origin: 'forced', action: 'answer' });

      // label suggestions with the model: each sample answered without search, how often right suggests a label
      const dataset = (await ask('datasets.list', {})).find((d: { name: string }) => d.name === 'demo-world');
      const before = await ask('datasets.suggestStatus', { datasetId: dataset.id });
      const suggest = await runJob('datasets.suggest', {
        datasetId: dataset.id,
        checkpointId: options.defaultCheckpointId,
        runs: 2,
      });
      expect(suggest.error).toBeNull();
      const after = await ask('datasets.suggestStatus', { datasetId: dataset.id });
      expect(after.suggested).toBe(dataset.samples);
      expect(after.suggested).toBeGreaterThan(before.suggested);
    } finally {
      client.close();
    }
  }, 180_000);

  it('trains the model from the New run form: a GRPO run on the folder runs to its end and keeps a Qwen2.5-VL checkpoint', async () => {
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.locator('main h1').first().textContent()).toBe('Runs');
    await page.keyboard.press('n');
    const form = page.getByTestId('new-run');
    await expect.poll(() => form.isVisible()).toBe(true);
    // the demo run's data, search corpus and templates; this model
    await form
      .getByLabel('Settings')
      .selectOption({ label: 'as run “demo” (model, data, templates, reward, every field)' });
    const model = form.getByLabel('Model', { exact: true });
    await expect
      .poll(() => model.locator('option').allTextContents())
      .toContainEqual(expect.stringContaining('qwen-tiny'));
    await model.selectOption((await model.locator('option', { hasText: 'qwen-tiny' }).getAttribute('value'))!);
    await form.getByLabel('Name').fill('qwen from the form');
    const settings: [string, string][] = [
      ['Steps', '2'],
      ['Prompts per step', '2'],
      ['Group size', '2'],
      ['Mini-batch (trajectories per update)', '4'],
      ['Micro-batch (per pass)', '2'],
      ['Tokens per turn', '6'],
      ['Entropy coefficient', '0.05'],
      ['CPU threads per graph', '1'],
    ];
    for (const [label, value] of settings) await form.getByLabel(label, { exact: true }).fill(value);
    // the check reads the folder's files (its tokenizer first) once, then knows them
    await expect
      .poll(() => page.getByTestId('run-config-status').textContent(), { timeout: 60_000 })
      .toBe('The config is valid.');
    await form.getByRole('button', { name: 'Start training' }).click();
    const controls = page.getByTestId('run-controls');
    await expect.poll(() => controls.textContent()).toContain('qwen from the form');
    await expect.poll(() => controls.getAttribute('data-status'), { timeout: 180_000 }).toBe('finished');
    await page.screenshot({ path: artifactPath('real-model-trained.png'), fullPage: true });
    const store = openStore(homePaths(home).database);
    try {
      const run = store.repos.runs.byName('qwen from the form')!;
      expect(run.step).toBe(2);
      const [checkpoint] = store.repos.runs.checkpoints(run.id);
      expect(checkpoint.step).toBe(2);
      expect(loadQwen25VlFolder(checkpoint.path).config.text.vocab_size).toBe(151936);
    } finally {
      store.close();
    }
  }, 240_000);
});
