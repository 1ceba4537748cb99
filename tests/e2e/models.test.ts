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

let engine: ServedEngine;
let browser: Browser;
let page: Page;
let good: string;
let broken: string;

beforeAll(async () => {
  const home = tempHome();
  good = path.join(home, 'qwen-tiny');
  writeRandomQwen25Vl(good, { size: 'tiny', seed: 2 });
  broken = path.join(home, 'qwen-broken');
  cpSync(good, broken, { recursive: true });
  const config = JSON.parse(readFileSync(path.join(broken, 'config.json'), 'utf8'));
  config.image_token_id = 151654;
  writeFileSync(path.join(broken, 'config.json'), JSON.stringify(config));
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
    await page.getByLabel('Model folder').fill(good);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const row = page.getByTestId('model-list').locator('tbody tr');
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Qwen2_5_VLForConditionalGeneration');
    expect(text).toContain(good);
    const { parameters } = summarizeModelFolder(good);
    expect(await row.getByTestId('model-parameters').textContent()).toBe(`${(parameters / 1e6).toFixed(1)}M`);
    expect(text).toContain('fits');
    // SearchLab does not train this family yet: no training estimate is claimed
    expect(text).toContain('not available');
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
    await page.getByLabel('Model folder').fill(broken);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect
      .poll(() => page.getByTestId('add-model-error').textContent(), { timeout: 30_000 })
      .toContain("tokenizer.json: <|image_pad|> has id 151655 but config.json's image_token_id is 151654");
    await page.getByLabel('Model folder').fill('models/qwen');
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect.poll(() => page.getByTestId('add-model-error').textContent()).toContain('must be an absolute path');
    expect(await page.getByTestId('model-list').locator('tbody tr').count()).toBe(1);
  });
});
