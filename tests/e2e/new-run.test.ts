// The New run form in Chromium against a real engine: the tiny demo's world and pre-trained model in a temp home,
// served by a real `searchlab serve`. An invalid field is named as it is typed; a short GRPO run starts from the
// form with the config it shows (the JSON `searchlab train --config` takes), its chart grows, and it pauses,
// resumes and is cancelled from the Runs page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serve, connect, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { launchBrowser, artifactPath } from '../helpers/browser';
import { makeRunFixture } from '../helpers/run-fixture';
import { parseRunConfig } from '../../src/main/rl/train/config';

let engine: ServedEngine;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const home = tempHome();
  await makeRunFixture(home);
  engine = await serve(home);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  removeTempHomes();
});

const form = () => page.getByTestId('new-run');
const field = (label: string) => form().getByLabel(label, { exact: true });
const fieldError = (path: string) => form().locator(`[data-testid=field-error][data-field="${path}"]`);
const points = () => page.getByTestId('chart-reward').getAttribute('data-points').then(Number);
const controls = () => page.getByTestId('run-controls');

describe('new run', () => {
  it('names an invalid field of the run config as it is typed', async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.locator('main h1').first().textContent()).toBe('Runs');
    await page.keyboard.press('n');
    await expect.poll(() => form().isVisible()).toBe(true);
    // The model offered first is the demo's pre-trained one, so the settings start as the demo's run: that model
    // was pre-trained on the demo's prompt templates.
    await expect
      .poll(() =>
        form()
          .getByLabel('Settings')
          .evaluate((e) => (e as HTMLSelectElement).selectedOptions[0]?.text),
      )
      .toBe('as run “demo” (model, data, templates, reward, every field)');
    await expect.poll(() => field('Tokens per turn').inputValue()).toBe('48');
    expect(await form().getByLabel('Reward spec').inputValue()).toBe('copied');
    // The method's defaults are shown, read from the run config's schema.
    await form().getByLabel('Settings').selectOption({ label: "the method's defaults" });
    await expect.poll(() => field('Learning rate').getAttribute('placeholder')).toBe('2e-6');
    expect(await field('Group size').getAttribute('placeholder')).toBe('4');
    await expect.poll(() => page.getByTestId('run-config-status').textContent()).toBe('The config is valid.');

    await field('Learning rate').fill('fast');
    await expect.poll(() => fieldError('grpo.lr').textContent()).toContain('grpo.lr: Invalid input: expected number');
    expect(await form().getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
    await field('Group size').fill('1');
    await expect.poll(() => fieldError('rollout.groupSize').textContent()).toMatch(/rollout\.groupSize: .*2/);
    await page.screenshot({ path: artifactPath('new-run-invalid.png') });
    await field('Learning rate').fill('');
    await field('Group size').fill('');
    await expect.poll(() => fieldError('grpo.lr').count()).toBe(0);
    expect(await fieldError('rollout.groupSize').count()).toBe(0);
  });

  it('starts a short GRPO run from the form, watches its chart grow, pauses and resumes it', async () => {
    // Every field from the demo's run: its model was pre-trained on the demo's prompt templates.
    await form()
      .getByLabel('Settings')
      .selectOption({ label: 'as run “demo” (model, data, templates, reward, every field)' });
    await expect.poll(() => field('Tokens per turn').inputValue()).toBe('48');
    const ws = await connect(engine);
    const demo = (await ws.request('runs.list')).result.find((r: { name: string }) => r.name === 'demo');
    const demoConfig = (await ws.request('runs.get', { id: demo.id })).result.config;
    await form().getByLabel('Name').fill('from the form');
    const settings: [string, string][] = [
      ['Steps', '400'],
      ['Prompts per step', '2'],
      ['Group size', '2'],
      ['Mini-batch (trajectories per update)', '4'],
      ['Tokens per turn', '48'],
      ['Tokens in all', '160'],
      ['Learning rate', '1e-3'],
      ['CPU threads per graph', '1'],
    ];
    for (const [label, value] of settings) await field(label).fill(value);
    await expect.poll(() => page.getByTestId('run-config-status').textContent()).toBe('The config is valid.');
    await expect.poll(() => page.getByTestId('run-estimate').textContent()).toMatch(/at most 3,200 calls, \$0\.00/);
    const shown = JSON.parse((await page.getByTestId('run-config-json').textContent())!);
    expect(shown.grpo).toMatchObject({ steps: 400, batchPrompts: 2, lr: 1e-3, klCoef: 0.001 });
    expect(shown.rollout.templates).toEqual(demoConfig.rollout.templates);
    expect(shown.model).toEqual(demoConfig.model);
    // Copy puts the same JSON on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: engine.origin });
    await form().getByText('Config as JSON').click();
    await form().getByRole('button', { name: 'Copy' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()).then((t) => t && JSON.parse(t)))
      .toEqual(shown);
    await form().getByRole('button', { name: 'Start training' }).click();

    await expect.poll(() => page.locator('main h1').first().textContent()).toBe('Runs');
    await expect.poll(() => controls().textContent()).toContain('from the form');
    // The run stored is the config the form showed, as `searchlab train --config` would read that JSON.
    const runs = (await ws.request('runs.list')).result;
    const runId = runs.find((r: { name: string }) => r.name === 'from the form').id;
    expect((await ws.request('runs.get', { id: runId })).result.config).toEqual(parseRunConfig(shown));

    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const early = await points();
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(early);
    await page.screenshot({ path: artifactPath('new-run-training.png') });

    await controls().getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => controls().getAttribute('data-status'), { timeout: 30_000 }).toBe('paused');
    const pausedAt = (await ws.request('runs.get', { id: runId })).result.step;
    await page.waitForTimeout(1500);
    expect((await ws.request('runs.get', { id: runId })).result.step).toBe(pausedAt);

    await controls().getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(async () => (await ws.request('runs.get', { id: runId })).result.step, { timeout: 30_000 })
      .toBeGreaterThan(pausedAt);
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(pausedAt);

    await controls().getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => controls().getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    const final = (await ws.request('runs.get', { id: runId })).result;
    expect(final.step).toBeLessThan(400);
    ws.close();
    expect(pageErrors).toEqual([]);
  });
});
