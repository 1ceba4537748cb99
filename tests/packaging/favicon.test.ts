// Browser mode shows SearchLab's icon in the tab: the built page names it, the server serves it, and the
// page's Content-Security-Policy lets the browser load it. Needs `npm run build` (out/renderer).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, serve, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { launchBrowser } from '../helpers/browser';

let engine: ServedEngine;
let browser: Browser;
let page: Page;
const blocked: string[] = [];

beforeAll(async () => {
  engine = await serve(tempHome());
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  removeTempHomes();
});

describe('the browser-mode favicon', () => {
  it('names the SVG icon and a 32 px PNG, both served with image types', async () => {
    await page.goto(engine.url);
    const icons = await page
      .locator('link[rel="icon"]')
      .evaluateAll((links) => links.map((l) => ({ href: (l as HTMLLinkElement).href, type: l.getAttribute('type') })));
    expect(icons.map((i) => i.type)).toEqual(['image/svg+xml', 'image/png']);
    for (const icon of icons) {
      const response = await page.request.get(icon.href);
      expect(response.status(), icon.href).toBe(200);
      expect(response.headers()['content-type'], icon.href).toBe(icon.type);
    }
    const svg = await (await page.request.get(icons[0].href)).body();
    expect(svg.toString()).toBe(fs.readFileSync(path.join(repoRoot, 'resources', 'icon.svg'), 'utf8'));
  });

  it('loads under the page’s Content-Security-Policy', async () => {
    await page.goto(engine.url);
    const sizes = await page.evaluate(async () => {
      const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel="icon"]')];
      return Promise.all(
        links.map(
          (link) =>
            new Promise<number>((resolve, reject) => {
              const image = new Image();
              image.onload = () => resolve(image.naturalWidth);
              image.onerror = () => reject(new Error(`${link.href} did not load`));
              image.src = link.href;
            }),
        ),
      );
    });
    expect(sizes[1]).toBe(32);
    expect(sizes[0]).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
  });
});
