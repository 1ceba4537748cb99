// The Models page in Chromium against a real `searchlab serve`: add a Qwen2.5-VL folder by path and see its
// architecture, parameters and memory; a broken folder is refused with what is wrong with it.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serve, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { launchBrowser, artifactPath } from '../helpers/browser';
import { writeRandomQwen25Vl } from '../../src/main/model/families/qwen2_5_vl/random';
import { summarizeModelFolder } from '../../src/main/model/families';
import type { PretrainingRecord } from '../../src/shared/contract';

let engine: ServedEngine;
let browser: Browser;
let page: Page;
let good: string;
let broken: string;
let coldStarted: string;

beforeAll(async () => {
  const home = tempHome();
  good = path.join(home, 'qwen-tiny');
  writeRandomQwen25Vl(good, { size: 'tiny', seed: 2 });
  broken = path.join(home, 'qwen-broken');
  cpSync(good, broken, { recursive: true });
  const config = JSON.parse(readFileSync(path.join(broken, 'config.json'), 'utf8'));
  config.image_token_id = 151654;
  writeFileSync(path.join(broken, 'config.json'), JSON.stringify(config));
  // A folder whose cold start fell short of copying: its record says so, check by check.
  coldStarted = path.join(home, 'qwen-cold-start');
  cpSync(good, coldStarted, { recursive: true });
  const check = (phase: string, round: number, copying: number, unseenLookalikes?: number) => ({
    phase,
    round,
    figures: {
      copying,
      knowledge: { familiarByName: 0.95, familiarByPicture: 0.9, unfamiliarByName: 0.85, unfamiliarByPicture: 0.8 },
      ...(unseenLookalikes === undefined ? {} : { unseenLookalikes }),
    },
    copyingPassed: copying >= 0.5,
    knowledgePassed: true,
    seconds: 4.2,
  });
  const record: PretrainingRecord = {
    thresholds: { copying: 0.5, knowledge: 0.8 },
    checks: [check('reading', 0, 0.12), check('reading', 1, 0.31), check('knowledge', 0, 0.29, 0.45)],
    passed: false,
    budgetExhausted: true,
    extraRounds: 1,
    extraSeconds: 61,
    seconds: 402,
  };
  writeFileSync(path.join(coldStarted, 'pretraining.json'), JSON.stringify(record));
  engine = await serve(home);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  removeTempHomes();
});

describe('the Models page', () => {
  it('adds a model folder by path and lists its architecture, parameters and memory', async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await page.keyboard.press('Alt+8');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Models');
    // "Add folder…" opens a picker listing the engine machine's folders: open the data folder, pick the model in it
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await page.getByLabel('Model folder').fill(path.dirname(good) + path.sep);
    await page
      .getByRole('list', { name: 'Files' })
      .getByRole('button', { name: `qwen-tiny${path.sep}` })
      .click();
    expect(await page.getByLabel('Model folder').inputValue()).toBe(good + path.sep);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.getByTestId('model-list').locator('tbody tr');
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Qwen2_5_VLForConditionalGeneration');
    expect(text).toContain(good);
    const { parameters } = summarizeModelFolder(good);
    expect(await row.getByTestId('model-parameters').textContent()).toBe(`${(parameters / 1e6).toFixed(1)}M`);
    expect(text).toContain('fits');
    // memory for inference and for training (a run with the default settings), each against the device
    expect(text).not.toContain('not available');
    expect(text.match(/fits|too large/g)).toHaveLength(2);
    await page.screenshot({ path: artifactPath('models.png') });
  });

  it('opens the Evaluations form on a model folder', async () => {
    await page.getByTestId('model-list').locator('tbody tr').getByRole('button', { name: 'Evaluate…' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Evaluations');
    await expect
      .poll(() => page.getByTestId('evaluate-form').getByLabel('Checkpoint').locator('option:checked').textContent())
      .toBe('model folder qwen-tiny (checkpoint 1)');
    await page.keyboard.press('Alt+8');
  });

  it('refuses a broken folder and a relative path, saying what is wrong', async () => {
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await page.getByLabel('Model folder').fill(broken);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('add-model-error').textContent(), { timeout: 30_000 })
      .toContain("tokenizer.json: <|image_pad|> has id 151655 but config.json's image_token_id is 151654");
    await page.getByLabel('Model folder').fill('models/qwen');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId('add-model-error').textContent()).toContain('must be an absolute path');
    expect(await page.getByTestId('model-list').locator('tbody tr').count()).toBe(1);
  });

  it("shows a cold start's checks: which skill fell short, by how much, and that GRPO started anyway", async () => {
    const list = page.getByTestId('model-list');
    // a folder without a record has no cold start to show
    expect(await list.locator('tbody tr').first().getByTestId('cold-start').count()).toBe(0);
    // the picker stays open after a refusal; a folder added closes it
    await page.getByLabel('Model folder').fill(coldStarted);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => list.locator('tbody tr').count(), { timeout: 30_000 }).toBe(2);
    const verdict = list.locator('tbody tr', { hasText: 'qwen-cold-start' }).getByTestId('cold-start');
    expect(await verdict.textContent()).toBe('short of copying 3 checks');
    await verdict.click();
    const checks = page.getByTestId('cold-start-checks');
    await expect.poll(() => checks.isVisible()).toBe(true);
    expect(await checks.getByRole('alert').textContent()).toContain('cannot yet copy from search results');
    const rows = await checks.locator('tbody tr').allTextContents();
    // the never-shown look-alikes are reported where measured (older records have none), never marked
    expect(rows).toEqual([
      'reading12%95%90%85%80%—4.2',
      'reading +131%95%90%85%80%—4.2',
      'knowledge29%95%90%85%80%45%4.2',
    ]);
    // the copying figures below the threshold are marked short, the knowledge figures at it are not
    expect(await checks.locator('td.fit-over-text').count()).toBe(3);
    expect(await checks.locator('td.fit-ok-text').count()).toBe(12);
    await page.screenshot({ path: artifactPath('models-cold-start.png') });
    await verdict.click();
    await expect.poll(() => checks.count()).toBe(0);
  });
});
