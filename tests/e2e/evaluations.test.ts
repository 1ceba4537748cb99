// Evaluations in Chromium against a real run: the tiny demo writes a GRPO run and its evaluations into a temp home
// and a real `searchlab serve` serves it. The test reads an evaluation's figures on the Runs page, evaluates the
// GRPO checkpoint with both baselines from the Evaluations page, checks every figure of the comparison table
// against `searchlab eval --json` on the same checkpoint, opens a cell's trajectories and exports the table.
import fs from 'node:fs';
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

const run = promisify(execFile);

let engine: ServedEngine;
let browser: Browser;
let page: Page;
let home: string;
let checkpointId: number;
let runId: number;
const pageErrors: string[] = [];

beforeAll(async () => {
  home = tempHome();
  runId = await makeRunFixture(home);
  const store = openStore(homePaths(home).database);
  checkpointId = store.repos.runs.checkpoints(runId).at(-1)!.id;
  store.close();
  engine = await serve(home);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 950 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  removeTempHomes();
});

const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
const cell = (row: string, column: number) =>
  page.locator(`[data-testid=eval-table] tr[data-row="${row}"] td`).nth(column);

describe('evaluations', () => {
  it("shows an evaluation's figures on the Runs page", async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await page.keyboard.press('Alt+2');
    const rag = page.getByTestId('run-list').locator('tr', { hasText: 'demo: pre-trained (rag)' });
    // Reward, accuracy and search ratio: the RAG baseline searched every question.
    await expect.poll(() => rag.locator('td').nth(7).textContent()).toBe('1.000');
    expect(await rag.locator('td').nth(6).textContent()).toMatch(/^\d\.\d{3}$/);
    expect(await rag.locator('td').nth(5).textContent()).toMatch(/^\d\.\d{3}$/);
    // From the run to its comparison, as the demo reports it: the policy before and after GRPO, both baselines.
    await rag.locator('td').nth(1).click();
    await page.getByRole('button', { name: 'Compare on the Evaluations page' }).click();
    await expect.poll(() => page.locator('main h1').first().textContent()).toBe('Evaluations');
    await expect
      .poll(() => page.locator('[data-testid=eval-table] thead th').allTextContents())
      .toEqual([
        '',
        'Policydemo: pre-trained',
        'Policydemo: GRPO',
        'Direct answeringdemo: pre-trained',
        'Always-search RAGdemo: pre-trained',
      ]);
  });

  it('evaluates a checkpoint with both baselines from the page, with the figures `searchlab eval` gives', async () => {
    await page.keyboard.press('Alt+7');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Evaluations');
    const form = page.getByTestId('evaluate-form');
    await form.getByLabel('Checkpoint').selectOption(String(checkpointId));
    await form.getByLabel('Split').selectOption('test');
    await form.getByRole('button', { name: 'Evaluate' }).click();
    // The fresh evaluations replace the default comparison once the job finishes.
    const headers = page.locator('[data-testid=eval-table] thead th');
    await expect
      .poll(() => headers.allTextContents(), { timeout: 150_000 })
      .toEqual([
        '',
        `Policycheckpoint ${checkpointId} on demo-world`,
        `Direct answeringcheckpoint ${checkpointId} on demo-world`,
        `Always-search RAGcheckpoint ${checkpointId} on demo-world`,
      ]);
    await page.screenshot({ path: artifactPath('evaluations.png'), fullPage: true });

    // The command line on a copy of the data folder: beside the server on the folder itself it would only read (one
    // writer per data folder), and an evaluation stores its trajectories.
    const copy = tempHome('searchlab-eval-copy-');
    fs.cpSync(home, copy, { recursive: true, filter: (source) => path.basename(source) !== 'searchlab.lock' });
    const { stdout } = await run(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'searchlab.mjs'),
        'eval',
        '--checkpoint',
        String(checkpointId),
        '--dataset',
        'demo-world',
        '--baselines',
        '--json',
        '--home',
        copy,
      ],
      { cwd: repoRoot, env: { ...process.env, SEARCHLAB_LOG: 'warn' } },
    );
    const cli = JSON.parse(stdout);
    for (const [column, policy] of ['policy', 'direct', 'rag'].entries()) {
      const m = cli[policy];
      expect(await cell('accuracy', column).textContent()).toBe(percent(m.accuracy));
      expect(await cell('search', column).textContent()).toBe(percent(m.searchRatio));
      expect(await cell('image', column).textContent()).toBe(percent(m.imageSearchRatio));
      expect(await cell('text', column).textContent()).toBe(percent(m.textSearchRatio));
      expect(await cell('searches', column).textContent()).toBe(m.searchesPerQuestion.toFixed(2));
      expect(await cell('questions', column).textContent()).toBe(String(m.questions));
      expect(await cell('reward', column).textContent()).toBe(m.rewardMean.toFixed(2));
      for (const [source, s] of Object.entries<any>(m.bySource)) {
        expect(await cell(`By data source:${source}:accuracy`, column).textContent()).toBe(percent(s.accuracy));
        expect(await cell(`By data source:${source}:search`, column).textContent()).toBe(percent(s.searchRatio));
      }
      for (const [need, s] of Object.entries<any>(m.byNeed))
        expect(await cell(`By search need:${need}:search`, column).textContent()).toBe(percent(s.searchRatio));
    }
    // The baselines behave as defined, so the comparison is not between equal columns.
    expect(cli.rag.searchRatio).toBe(1);
    expect(cli.direct.searchRatio).toBe(0);
    // The chart draws a bar per policy for accuracy, search ratio and each data source's search ratio.
    expect(await page.getByTestId('eval-chart').locator('rect').count()).toBe(
      3 * (2 + Object.keys(cli.rag.bySource).length),
    );
  }, 180_000);

  it("opens a cell's trajectories in the debugger", async () => {
    const sourceRows = await page
      .locator('[data-testid=eval-table] tr[data-row^="By data source:"][data-row$=":search"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')!));
    const source = sourceRows[0].split(':')[1];
    expect(await cell(`By data source:${source}:search`, 2).textContent()).toBe('100.0%');
    await cell(`By data source:${source}:search`, 2).getByRole('button').click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Trajectories');
    await expect.poll(() => page.getByTestId('source-filter').textContent()).toContain(source);
    // Every RAG answer about that source searched: the list holds exactly that source's questions.
    const store = openStore(homePaths(home).database);
    const questions = store.db
      .prepare("SELECT count(*) AS n FROM samples WHERE split = 'test' AND data_source = ?")
      .get(source) as { n: number };
    store.close();
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe(`${questions.n} trajectories`);
  });

  it("keeps the debugger's keyboard hints whole and a chosen turn clear of the reward bar in a small window", async () => {
    await page.setViewportSize({ width: 1000, height: 560 });
    const top = async (testId: string) => (await page.getByTestId(testId).boundingBox())!.y;
    // A RAG answer is open: it searched by image, then (unless the search ended it) by text.
    await expect.poll(() => page.getByTestId('turn').count()).toBeGreaterThanOrEqual(2);
    const turns = await page.getByTestId('turn').count();
    const moves = [
      ...Array.from({ length: turns - 1 }, (_, i) => ['ArrowRight', i + 1] as const),
      ...Array.from({ length: turns - 1 }, (_, i) => ['ArrowLeft', turns - 2 - i] as const),
    ];
    for (const [key, turn] of moves) {
      await page.keyboard.press(key);
      await expect
        .poll(() => page.locator('[data-testid=turn][data-current=true]').getAttribute('data-turn'))
        .toBe(String(turn));
      await page.waitForTimeout(100);
      // The page itself did not scroll: the title and the hint row are where they were drawn.
      expect(await page.locator('main').evaluate((m) => m.scrollTop)).toBe(0);
      expect(await top('debugger-keys')).toBeGreaterThan((await page.locator('main h1').boundingBox())!.y);
      const reward = (await page.getByTestId('reward-bar').boundingBox())!;
      const current = (await page.locator('[data-testid=turn][data-current=true]').boundingBox())!;
      expect(current.y).toBeGreaterThanOrEqual(reward.y + reward.height);
      expect(current.y).toBeLessThan(560);
    }
    await page.screenshot({ path: artifactPath('debugger-small-window.png') });
    await page.setViewportSize({ width: 1400, height: 950 });
  });

  it('opens the text search ratio cell on the trajectories that searched by text, and no other', async () => {
    await page.keyboard.press('Alt+7');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Evaluations');
    // the RAG column: every answer searched by image, and by text unless the image search ended it
    await cell('text', 2).getByRole('button').click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Trajectories');
    await expect.poll(() => page.getByTestId('search-kind-filter').textContent()).toContain('text search');
    const store = openStore(homePaths(home).database);
    const { n } = store.db
      .prepare(
        `SELECT count(*) AS n FROM trajectories WHERE text_searches > 0 AND run_id =
           (SELECT max(id) FROM runs WHERE name = ?)`,
      )
      .get(`checkpoint ${checkpointId} on demo-world (rag)`) as { n: number };
    store.close();
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe(`${n} trajectories`);
    // its ✕ clears it: every trajectory of the evaluation
    await page.getByTestId('search-kind-filter').click();
    await expect.poll(() => page.getByTestId('search-kind-filter').count()).toBe(0);
  });

  it('exports the table as CSV and Markdown', async () => {
    await page.keyboard.press('Alt+7');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvText = fs.readFileSync((await csv.path())!, 'utf8');
    const accuracyLine = csvText.split('\n').find((l) => l.startsWith('Accuracy,'))!;
    expect(accuracyLine.split(',')).toEqual([
      'Accuracy',
      ...(await Promise.all([0, 1, 2].map((c) => cell('accuracy', c).textContent()))),
    ]);
    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export Markdown' }).click(),
    ]);
    const mdLines = fs
      .readFileSync((await md.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(mdLines[1]).toBe('| --- | --- | --- | --- |');
    expect(mdLines.find((l) => l.startsWith('| Search ratio |'))).toBe(
      `| Search ratio | ${(await Promise.all([0, 1, 2].map((c) => cell('search', c).textContent()))).join(' | ')} |`,
    );
    expect(pageErrors).toEqual([]);
  });

  it('evaluates two checkpoints in one job and compares them side by side', async () => {
    await page.keyboard.press('Alt+7');
    const form = page.getByTestId('evaluate-form');
    const checkpointSelect = form.getByLabel('Checkpoint');
    // Clearing every checkpoint leaves none picked (the default is not forced back), and nothing to evaluate.
    await checkpointSelect.selectOption([]);
    await expect.poll(() => checkpointSelect.evaluate((e) => (e as HTMLSelectElement).selectedOptions.length)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await checkpointSelect.evaluate((e) => (e as HTMLSelectElement).selectedOptions.length)).toBe(0);
    expect(await form.getByRole('button', { name: 'Evaluate' }).isDisabled()).toBe(true);
    const pretrained = await checkpointSelect
      .locator('option', { hasText: 'model folder demo-pretrained' })
      .getAttribute('value');
    await checkpointSelect.selectOption([pretrained!, String(checkpointId)]);
    for (const baseline of ['Direct answering', 'Always-search RAG']) await form.getByLabel(baseline).uncheck();
    await form.getByLabel('Questions').fill('4');
    await form.getByRole('button', { name: 'Evaluate' }).click();
    const headers = page.locator('[data-testid=eval-table] thead th');
    // the two checkpoints' policy columns, in whichever order the comparison lists them
    await expect
      .poll(async () => (await headers.allTextContents()).sort(), { timeout: 150_000 })
      .toEqual(
        ['', `Policycheckpoint ${pretrained} on demo-world`, `Policycheckpoint ${checkpointId} on demo-world`].sort(),
      );
    expect(await cell('questions', 0).textContent()).toBe('4');
    expect(await cell('questions', 1).textContent()).toBe('4');
  }, 180_000);

  it("lists a run's checkpoints with their evaluations, and evaluates, exports and deletes one", async () => {
    // The Evaluate button hands its checkpoint to the form, whatever the form had.
    await page.keyboard.press('Alt+7');
    const formCheckpoint = page.getByTestId('evaluate-form').getByLabel('Checkpoint');
    const pretrained = await formCheckpoint
      .locator('option', { hasText: 'model folder demo-pretrained' })
      .getAttribute('value');
    await formCheckpoint.selectOption(pretrained!);
    await page.keyboard.press('Alt+2');
    await page.locator(`[data-testid=run-list] tr[data-run="${runId}"] td`).nth(1).click();
    const row = page.locator(`[data-testid=checkpoints] tr[data-checkpoint="${checkpointId}"]`);
    await expect.poll(() => row.locator('td').first().textContent()).toBe('3');
    expect(await row.textContent()).toMatch(/Always-search RAG on demo-world: accuracy \d+\.\d%, search 100\.0%/);
    await row.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => formCheckpoint.inputValue()).toBe(String(checkpointId));

    // Export: a model folder a run's model.path takes (no optimizer state).
    await page.keyboard.press('Alt+2');
    await row.getByRole('button', { name: 'Export…' }).click();
    // Over browser mode a model folder goes to the data folder's exports/ (or a folder serve was given).
    const target = path.join(home, 'exports', 'exported-model');
    await row.getByLabel('New or empty folder').fill(target);
    await row.getByRole('button', { name: 'Export model folder' }).click();
    await expect.poll(() => fs.existsSync(path.join(target, 'model.safetensors'))).toBe(true);
    expect(fs.readdirSync(target).sort()).not.toContain('optimizer.safetensors');
    const ws = await connect(engine);
    const checked = await ws.request('runs.validate', {
      config: { name: 'from export', model: { path: target }, dataset: 'demo-world', grpo: { steps: 1 } },
    });
    expect(checked.result.issues).toEqual([]);

    // Delete: the record and its files go; its evaluations stay.
    const folder = (await ws.request('checkpoints.list')).result.find(
      (c: { id: number }) => c.id === checkpointId,
    ).path;
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(fs.existsSync(folder)).toBe(false);
    const evaluations = (await ws.request('evals.list')).result;
    ws.close();
    expect(
      evaluations.filter((e: { name: string }) => e.name === `checkpoint ${checkpointId} on demo-world`).length,
    ).toBeGreaterThanOrEqual(3);
    expect(pageErrors).toEqual([]);
  });
});
