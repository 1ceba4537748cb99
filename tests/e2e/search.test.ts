// The Search cache page and the try-a-search panel in Chromium, against a real `searchlab serve` whose web
// search goes to loopback fakes of SerpApi and Jina Reader.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serve, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { launchBrowser, artifactPath } from '../helpers/browser';
import { readTheme } from '../helpers/theme';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { ingestCorpus } from '../../src/main/search/local/ingest';
import { readCorpusFolder } from '../../src/main/search/local/folder';
import { updateSearchConfig } from '../../src/main/search/config';
import { startFakeServices, type FakeServices } from '../search/fakes';
import { drawnImage, writeCorpusFolder } from '../search/corpus';

const WEB_KEY = 'serp-e2e-secret-key-31337';
const JINA_KEY = 'jina-e2e-secret-key-4242';
let engine: ServedEngine;
let browser: Browser;
let page: Page;
let fakes: FakeServices;
let queryImage: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  fakes = await startFakeServices();
  const home = tempHome();
  const dir = tempHome('corpus-src-');
  await writeCorpusFolder(dir);
  const store = openStore(homePaths(home).database);
  await ingestCorpus(store, readCorpusFolder(dir), { name: 'demo', source: dir });
  updateSearchConfig(store, {
    serpapi: { baseUrl: fakes.baseUrl },
    reader: { baseUrl: `${fakes.baseUrl}/reader` },
    summariser: { kind: 'extractive' },
  });
  store.close();
  queryImage = path.join(dir, 'query.jpg');
  await sharp(await drawnImage(2))
    .resize(110)
    .jpeg({ quality: 70 })
    .toFile(queryImage);
  process.env.SEARCHLAB_SERPAPI_KEY = WEB_KEY;
  engine = await serve(home);
  delete process.env.SEARCHLAB_SERPAPI_KEY;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (dialog) => void dialog.accept());
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  await fakes?.close();
  removeTempHomes();
});

const tryPanel = () => page.locator('.sc-try');

describe('the Search cache page', () => {
  it('says what to do while the cache is empty and lists the local corpus', async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Search cache');
    await expect.poll(() => page.getByText('The search cache is empty').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('corpus-row').first().textContent()).toContain('demo');
    await page.screenshot({ path: artifactPath('search-cache-empty.png') });
  });

  it('runs a text search by hand on the local corpus, then serves it from the cache', async () => {
    await page.keyboard.press('t');
    await page.keyboard.type('who built the Zorblax Beacon');
    await tryPanel().getByLabel('Corpus').selectOption('demo');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('cache-status').textContent()).toBe('miss');
    const first = page.getByTestId('try-result').getByTestId('search-result').first();
    await expect.poll(() => first.textContent()).toContain('Zorblax Beacon');
    expect(await first.textContent()).toContain('built in 1847 by the engineer Mira Tollan');
    await tryPanel().getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('cache-status').textContent()).toBe('hit');
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(1);
    await expect.poll(() => page.getByTestId('cache-stats').textContent()).toMatch(/1hits1misses50%hit rate/);
  });

  it('runs an image search with an uploaded picture and shows the matching thumbnails', async () => {
    await tryPanel().getByText('Image', { exact: true }).click();
    await tryPanel().getByLabel('Image file').setInputFiles(queryImage);
    await tryPanel().getByRole('button', { name: 'Search' }).click();
    const first = page.getByTestId('try-result').getByTestId('search-result').first();
    await expect.poll(() => first.textContent()).toContain('Velt Aqueduct');
    await expect
      .poll(() => first.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(2);
    await page.screenshot({ path: artifactPath('search-try-image.png') });
  });

  it('runs a paid web search through the fakes and counts the money a hit saves', async () => {
    await tryPanel().getByText('Text', { exact: true }).click();
    await tryPanel().getByLabel('Engine').selectOption('serpapi');
    await tryPanel().getByLabel('Query').fill('colour of the sky');
    await tryPanel().getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('cache-status').textContent()).toBe('miss');
    await expect.poll(() => page.getByTestId('try-result').textContent()).toContain('The answer on page 1 is blue 1.');
    await tryPanel().getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('cache-status').textContent()).toBe('hit');
    await expect.poll(() => page.getByTestId('money-saved').textContent()).toBe('$0.015');
    expect(fakes.requests.filter((r) => r.route === 'google')).toHaveLength(1);
  });

  it("shows a degraded web search with the reader's own message, marks it in the cache, and fetches it again whole", async () => {
    fakes.faults.reader.push({
      kind: 'status',
      status: 402,
      body: JSON.stringify({
        data: null,
        code: 402,
        name: 'InsufficientBalanceError',
        status: 40203,
        message: 'Account balance not enough to run this query, please recharge.',
        readableMessage: 'InsufficientBalanceError: Account balance not enough to run this query, please recharge.',
      }),
    });
    await tryPanel().getByLabel('Query').fill('colour of the sea');
    await tryPanel().getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('cache-status').textContent()).toBe('miss');
    await expect
      .poll(() => tryPanel().getByTestId('degraded').textContent())
      .toContain('Page reader failed on 5 of 5: Jina Reader: HTTP 402');
    expect(await tryPanel().getByTestId('degraded').textContent()).toContain(
      'Account balance not enough to run this query, please recharge.',
    );
    await expect.poll(() => page.getByTestId('degraded-entries').textContent()).toBe('1');
    await expect
      .poll(() => page.getByTestId('cache-row').filter({ hasText: 'colour of the sea' }).textContent())
      .toContain('degraded');
    await page.getByLabel('Degraded only').check();
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(1);
    await page.getByLabel('Degraded only').uncheck();
    await tryPanel().getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('cache-status').textContent()).toBe('refreshed');
    await expect.poll(() => tryPanel().getByTestId('degraded').count()).toBe(0);
    await expect.poll(() => page.getByTestId('degraded-entries').textContent()).toBe('0');
  });

  it('opens an entry with its thumbnails, titles, timings and what the model saw, and filters by tool', async () => {
    await page.getByLabel('Filter by tool').selectOption('image_search');
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(1);
    await page.getByTestId('cache-row').first().click();
    const detail = page.getByTestId('cache-entry');
    await expect.poll(() => detail.textContent()).toContain('Velt Aqueduct');
    expect(await detail.textContent()).toMatch(/Latency.*ms/);
    await expect
      .poll(() =>
        detail
          .locator('.sc-result img')
          .first()
          .evaluate((img: HTMLImageElement) => img.naturalWidth > 0),
      )
      .toBe(true);
    await detail.getByText('What the model sees').click();
    expect(await detail.getByTestId('model-text').textContent()).toMatch(
      /^Image search results \(top \d visual matches/,
    );
    await page.screenshot({ path: artifactPath('search-cache-entry.png') });
    await page.getByLabel('Filter by tool').selectOption('');
    await page.keyboard.press('/');
    await page.keyboard.type('sky');
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(1);
    await page.getByLabel('Filter by text').fill('');
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(4);
  });

  it('deletes the selected entry with the Delete key and resets the cache', async () => {
    await page.getByTestId('cache-row').first().click();
    await page.locator('main h1').click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('cache-row').nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.getByTestId('cache-row').first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('cache-row').count()).toBe(3);
    await page.getByRole('button', { name: 'Reset…' }).click();
    await expect.poll(() => page.getByText('The search cache is empty').isVisible()).toBe(true);
  });

  it('adds a folder as a corpus from the page, with a progress bar', async () => {
    const dir = tempHome('corpus-ui-');
    fs.writeFileSync(path.join(dir, 'page.md'), '# Pell Tower\n\nPell Tower is a clock tower with a blue face.');
    await page.getByLabel('Corpus folder').fill(dir);
    await page.getByLabel('Corpus name').fill('from-ui');
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect
      .poll(() => page.locator('.sc-corpora [data-status]').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('succeeded');
    await expect.poll(() => page.getByTestId('corpus-row').count()).toBe(2);
    expect(await page.getByTestId('corpus-row').nth(1).textContent()).toContain('from-ui');
    await page.getByLabel('Corpus folder').fill(path.join(dir, 'missing'));
    await page.getByLabel('Corpus name').fill('broken');
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect
      .poll(() => page.locator('.sc-corpora [data-status]').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('failed');
    expect(await page.locator('.sc-corpora .job-error').textContent()).toContain('is not a folder');
  });

  it('shows readable dark and light themes', async () => {
    const shown = ['main h1', '[data-testid=corpus-row]', '.sc-try label', '[data-testid=cache-stats]'];
    await page.keyboard.press('Alt+6');
    await page.getByLabel('Theme').selectOption('dark');
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    await expect.poll(theme).toBe('dark'); // the setting is saved by the engine, then applied
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Search cache');
    const dark = await readTheme(page, shown);
    expect(dark.theme).toBe('dark');
    expect(dark.background).toBeLessThan(0.05);
    for (const selector of shown) expect(dark.contrast[selector], selector).toBeGreaterThanOrEqual(4.5);
    // The page still shows both corpora, the empty cache's hint and the try-a-search panel.
    const corpora = await page.getByTestId('corpus-row').allTextContents();
    expect(corpora).toEqual([expect.stringContaining('demo'), expect.stringContaining('from-ui')]);
    expect(await page.getByText('The search cache is empty').isVisible()).toBe(true);
    expect(await tryPanel().getByRole('button', { name: 'Search' }).isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('search-cache-dark.png'), fullPage: true });
    await page.keyboard.press('Alt+6');
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(theme).toBe('light');
    await page.keyboard.press('Alt+5');
    const light = await readTheme(page, shown);
    expect(light.theme).toBe('light');
    expect(light.background).toBeGreaterThan(0.8);
    for (const selector of shown) expect(light.contrast[selector], selector).toBeGreaterThanOrEqual(4.5);
  });
});

describe('Settings → Search', () => {
  it('stores a key without ever showing it, and keeps edited prices and budgets', async () => {
    await page.keyboard.press('Alt+6');
    const settings = page.getByTestId('search-settings');
    await expect
      .poll(() => settings.getByTestId('key-serpapi').textContent())
      .toContain('SEARCHLAB_SERPAPI_KEY in the environment');
    await settings.getByLabel('New Jina Reader key').fill(JINA_KEY);
    await settings.getByTestId('key-jina').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => settings.getByTestId('key-jina').textContent()).toContain('key file, owner-only');
    await settings.getByLabel('SerpApi, per search').fill('0.02');
    await settings.getByLabel('Budget: live calls per run').fill('500');
    await settings.getByLabel('Budget: live calls per run').blur();
    await page.reload();
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await expect.poll(() => page.getByLabel('SerpApi, per search').inputValue()).toBe('0.02');
    expect(await page.getByLabel('Budget: live calls per run').inputValue()).toBe('500');
    const html = await page.content();
    expect(html).not.toContain(JINA_KEY);
    expect(html).not.toContain(WEB_KEY);
    expect(engine.output()).not.toContain(WEB_KEY);
    expect(engine.output()).not.toContain(JINA_KEY);
    await page.getByTestId('search-settings').screenshot({ path: artifactPath('settings-search.png') });
  });

  it('raised no errors in the page along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
