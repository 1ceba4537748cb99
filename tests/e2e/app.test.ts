// The app in a real browser (Debian's Chromium) against a real `searchlab serve`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serve, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes, seedImages } from '../helpers/home';
import { launchBrowser, artifactPath } from '../helpers/browser';

let engine: ServedEngine;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const home = tempHome();
  seedImages(home, 40_000);
  engine = await serve(home);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  removeTempHomes();
});

describe('the app in browser mode', () => {
  it('loads with the token, connects to the engine and hides the token from the address bar', async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    expect(page.url()).not.toContain('token=');
    expect(new URL(page.url()).pathname).toBe(`${engine.prefix}/`);
    await expect.poll(() => page.getByTestId('device').textContent()).toMatch(/CPU|CUDA/);
    // The browser keeps the token for this server's prefix only: a page of another local app (any port, any other
    // path) is sent no cookie of it.
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: `searchlab_token_${engine.port}`, path: engine.prefix, httpOnly: true }),
    ]);
    expect(
      await page.context().cookies([`http://127.0.0.1:${engine.port + 1}/`, 'http://127.0.0.1:8888/tree']),
    ).toEqual([]);
  });

  it('navigates to every page by mouse and by keyboard', async () => {
    const titles = ['Datasets', 'Runs', 'Trajectories', 'Reward', 'Search cache', 'Settings'];
    for (const title of titles) {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: title, exact: true }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe(title);
      await page.screenshot({ path: artifactPath(`page-${title.toLowerCase().replace(/ /g, '-')}.png`) });
    }
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Trajectories');
    await page.keyboard.press('?');
    await expect.poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(0);
  });

  it('switches between light and dark themes', async () => {
    await page.keyboard.press('Alt+6');
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.screenshot({ path: artifactPath('settings-dark.png') });
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  });

  it("shows a job's progress bar moving until it finishes", async () => {
    await page.keyboard.press('Alt+6');
    // Record every value the progress bar shows, as the user would see it change.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('.card [role=progressbar][aria-valuenow]');
        const value = Number(bar?.getAttribute('aria-valuenow'));
        if (bar && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuenow'],
      });
    });
    await page.getByRole('button', { name: 'Verify stored images' }).click();
    await expect
      .poll(() => page.locator('.card [data-status]').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('succeeded');
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    const between = seen.filter((v) => v > 0 && v < 40_000);
    expect(between.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(40_000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await page.keyboard.press('j');
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Jobs' }).textContent())
      .toContain('Verify storage');
    await page.screenshot({ path: artifactPath('jobs-drawer.png') });
    await page.keyboard.press('Escape');
  });

  it('shows the engine rejecting an invalid request with a clear error', async () => {
    const reply = await page.evaluate(async () => {
      const ws = new WebSocket(new URL('api/ws', location.href.replace(/^http/, 'ws')));
      await new Promise((resolve) => (ws.onopen = resolve));
      return new Promise<string>((resolve) => {
        ws.onmessage = (event) => {
          const message = JSON.parse(String(event.data));
          if (message.type === 'response') resolve(JSON.stringify(message));
        };
        ws.send(
          JSON.stringify({
            type: 'request',
            id: 9,
            method: 'jobs.start',
            params: { kind: 'storage.verify', params: { batchSize: 'all' } },
          }),
        );
      });
    });
    const message = JSON.parse(reply);
    expect(message).toMatchObject({ id: 9, ok: false, error: { code: 'invalid_params' } });
    expect(message.error.message).toMatch(/batchSize/);
  });

  it('refuses the page to a browser without the token', async () => {
    const other = await browser.newContext();
    const stranger = await other.newPage();
    const response = await stranger.goto(`http://127.0.0.1:${engine.port}/`);
    expect(response?.status()).toBe(401);
    await other.close();
  });
});

describe('first launch on an empty data folder', () => {
  it('starts building the demo world in the background and shows its progress', async () => {
    const fresh = await serve(tempHome(), ['--demo']);
    const page2 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await expect.poll(() => fresh.output(), { timeout: 30_000 }).toContain('Building the demo world');
      await page2.goto(fresh.url);
      const banner = page2.getByRole('status', { name: 'Demo world' });
      await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => banner.textContent()).toContain('Setting up the demo world');
      await page2.screenshot({ path: artifactPath('first-launch-demo.png') });
      await banner.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0);
    } finally {
      await page2.close();
      await fresh.stop();
    }
  });
});
