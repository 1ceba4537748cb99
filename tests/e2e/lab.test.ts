// The lab pages in Chromium against a real run: the demo pipeline in its tiny configuration writes a GRPO run
// and its evaluations into a temp home, then a real `searchlab serve` serves them. The test opens the runs
// dashboard, clicks a chart point to land on that step's rollouts, steps through trajectories and turns with
// the keyboard, and opens a GRPO group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serve, connect, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { launchBrowser, artifactPath } from '../helpers/browser';
import { makeRunFixture } from '../helpers/run-fixture';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';

let engine: ServedEngine;
let browser: Browser;
let page: Page;
let runId: number;
let home: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  home = tempHome();
  runId = await makeRunFixture(home);
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

const currentTrajectory = () => page.getByTestId('trajectory-panel').getAttribute('data-trajectory');
const currentTurn = () => page.locator('[data-testid=turn][data-current=true]').getAttribute('data-turn');

describe('the lab pages', () => {
  it('shows the runs with live charts of the GRPO run', async () => {
    await page.goto(engine.url);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine connected');
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Runs');
    await expect.poll(() => page.getByTestId('run-list').locator('tbody tr').count()).toBe(5);
    await expect
      .poll(() => page.getByTestId('run-list').locator('tr.selected').getAttribute('data-run'))
      .toBe(String(runId));
    const chart = page.getByTestId('chart-reward');
    await expect.poll(() => chart.locator('canvas').count()).toBe(1);
    expect(await chart.locator('.u-legend').textContent()).toContain('reward_mean');
    for (const id of ['accuracy', 'search', 'kl', 'entropy', 'zero-variance'])
      expect(await page.getByTestId(`chart-${id}`).count()).toBe(1);
    await page.screenshot({ path: artifactPath('lab-runs.png'), fullPage: true });
    // The canvas charts follow the theme (they read the CSS variables when it changes).
    // (The picture itself, not its PNG size: with only colours changed, the compressed size can stay the same.)
    const axisColour = () => chart.locator('canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const light = await axisColour();
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await expect.poll(axisColour, { timeout: 15_000 }).not.toBe(light);
    await page.screenshot({ path: artifactPath('lab-runs-dark.png') });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await expect.poll(axisColour, { timeout: 15_000 }).toBe(light);
  });

  it("clicks a chart point and lands on that step's rollouts", async () => {
    const over = page.getByTestId('chart-reward').locator('.u-over');
    await expect.poll(() => over.boundingBox()).not.toBeNull();
    const box = (await over.boundingBox())!;
    // Steps 1..3 span the x axis: the middle is step 2.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Trajectories');
    await expect.poll(() => page.getByTestId('step-select').inputValue()).toBe('2');
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe('9 trajectories');
    const rows = page.getByTestId('trajectory-row');
    await expect.poll(() => rows.count()).toBe(9);
    expect((await rows.allTextContents()).every((t) => t.startsWith('s2 '))).toBe(true);
    await expect.poll(() => currentTrajectory()).not.toBeNull();
    expect(await page.getByTestId('reward-bar').textContent()).toMatch(/score.*format.*penalty.*total.*advantage/);
  });

  it('steps through trajectories with the keyboard and opens a GRPO group', async () => {
    const first = await currentTrajectory();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentTrajectory()).not.toBe(first);
    const second = await currentTrajectory();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => currentTrajectory()).toBe(first);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentTrajectory()).toBe(second);
    await page.keyboard.press('g');
    const group = page.getByTestId('group-view');
    await expect.poll(() => group.getByTestId('group-sample').count()).toBe(3);
    expect(await group.textContent()).toMatch(/Group 0 at step 2.*3 samples.*mean/);
    // The group's zero-variance flag agrees with the API.
    const ws = await connect(engine);
    const reply = await ws.request('trajectories.group', { runId, step: 2, groupIndex: 0 });
    ws.close();
    expect(await group.getByTestId('zero-variance-flag').count()).toBe(reply.result.zeroVariance ? 1 : 0);
    await group.getByTestId('group-sample').nth(2).click();
    await expect.poll(() => currentTrajectory()).toBe(String(reply.result.items[2].id));
    await page.keyboard.press('t');
    await expect.poll(() => page.getByTestId('token-view').isVisible()).toBe(true);
    // Tokens are shown as text decoded by the policy's tokenizer, masked ones shaded.
    expect(await page.locator('.lab-token').count()).toBeGreaterThan(await page.locator('.lab-token.masked').count());
    expect(await page.getByTestId('token-view').textContent()).toContain('<|im_start|>');
    await page.screenshot({ path: artifactPath('lab-group.png') });
  });

  it("steps through a search trajectory's turns with the keyboard, with the tool's results as the model saw them", async () => {
    // The RAG baseline's evaluation always searches the image, then the text, then answers: three turns.
    await page.getByLabel('Run').selectOption({ label: 'demo: pre-trained (rag)' });
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe('4 trajectories');
    await expect.poll(() => page.getByTestId('turn').count()).toBe(3);
    expect(await currentTurn()).toBe('0');
    await expect
      .poll(() =>
        page.getByTestId('question-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      )
      .toBe(true);
    const turn0 = page.locator('[data-testid=turn][data-turn="0"]');
    expect(await turn0.getByTestId('turn-action').textContent()).toContain('Image search');
    expect(await turn0.getByTestId('tool-meta').textContent()).toMatch(/local · cache (hit|miss) · \d+ ms/);
    await expect
      .poll(() =>
        turn0
          .locator('.lab-results img')
          .first()
          .evaluate((img: HTMLImageElement) => img.naturalWidth > 0),
      )
      .toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => currentTurn()).toBe('1');
    expect(await page.locator('[data-testid=turn][data-turn="1"]').getByTestId('turn-action').textContent()).toContain(
      'Text search',
    );
    await page.keyboard.press('l');
    await expect.poll(() => currentTurn()).toBe('2');
    expect(await page.locator('[data-testid=turn][data-turn="2"]').getByTestId('turn-action').textContent()).toContain(
      'Answer',
    );
    await page.keyboard.press('ArrowRight'); // stays on the last turn
    await page.keyboard.press('h');
    await expect.poll(() => currentTurn()).toBe('1');
    // The RAG baseline's forced turns still carry the policy's tags: the token view marks each decision.
    if (!(await page.getByTestId('token-view').isVisible())) await page.keyboard.press('t');
    await expect.poll(() => page.getByTestId('token-view').isVisible()).toBe(true);
    const decisions = await page.getByTestId('token-view').textContent();
    // Either the three decisions were sampled (image search, text search, answer) or the view says there were none.
    expect(decisions).toMatch(
      /Decisions: 1\. image search with p [\d.]+2\. text search with p [\d.]+3\. answer with p [\d.]+|No search-or-answer decision was sampled/,
    );
    await page.screenshot({ path: artifactPath('lab-trajectory-turns.png'), fullPage: true });
    // The same question under the other policies and checkpoints, side by side.
    await page.keyboard.press('c');
    const compare = page.getByTestId('compare-view');
    await expect.poll(() => compare.getByTestId('compare-item').count()).toBe(4);
    expect(await compare.textContent()).toContain('demo: GRPO (policy)');
    const rag = await currentTrajectory();
    await compare.getByTestId('compare-item').filter({ hasText: 'demo: GRPO (policy)' }).click();
    await expect.poll(() => currentTrajectory()).not.toBe(rag);
    await page.screenshot({ path: artifactPath('lab-compare.png') });
    await page.keyboard.press('c');
    await expect.poll(() => compare.count()).toBe(0);
  });

  it('replays a decision with the other choice (W) and shows the outcome and reward beside the original', async () => {
    await page.getByLabel('Run').selectOption({ label: 'demo: pre-trained (rag)' });
    await expect.poll(() => page.getByTestId('turn').count()).toBe(3);
    await page.keyboard.press('ArrowRight'); // turn 2: the text search
    await expect.poll(() => currentTurn()).toBe('1');
    await page.keyboard.press('w');
    const panel = page.getByTestId('replay-panel');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.textContent()).toContain('What if… at turn 2');
    // The other choice is the answer; the search cache is replay-only unless the user opts in.
    await expect.poll(() => panel.getByTestId('replay-force').inputValue()).toBe('answer');
    expect(await panel.getByTestId('replay-cache').inputValue()).toBe('replay-only');
    const pretrained = await panel
      .getByTestId('replay-checkpoint')
      .locator('option', { hasText: 'step 0' })
      .first()
      .getAttribute('value');
    await panel.getByTestId('replay-checkpoint').selectOption(pretrained!);
    await panel.getByTestId('replay-run').click();
    const result = page.getByTestId('replay-result');
    await expect.poll(() => result.isVisible(), { timeout: 90_000 }).toBe(true);
    // Side by side from the decision point: the original searched, the replay answered; both with their rewards.
    expect(await result.getByTestId('replay-original-turn').first().getAttribute('data-action')).toBe('text_search');
    expect(await result.getByTestId('replay-outcome-turn').first().getAttribute('data-action')).toBe('answer');
    expect(await result.getByTestId('replay-outcome-total').textContent()).toMatch(/^\d\.\d{3}$/);
    expect(await result.getByTestId('replay-original-reward').textContent()).toMatch(/score.*format.*penalty.*total/);
    expect(await panel.getByTestId('replay-history-item').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: artifactPath('lab-replay.png'), fullPage: true });
    // The policy's probabilities of searching versus answering at each decision point, from the token view.
    if (!(await page.getByTestId('token-view').isVisible())) await page.keyboard.press('t');
    await page.getByTestId('decision-probs-compute').click();
    await expect
      .poll(() => page.getByTestId('decision-probabilities').getByTestId('decision-bars').count(), { timeout: 60_000 })
      .toBe(3);
    // Each bar shows a probability: three decimals in [0, 1] (an empty or missing figure fails here, not as 0).
    for (const bars of await page.getByTestId('decision-probabilities').getByTestId('decision-bars').all()) {
      const shown = await Promise.all(
        ['image_search', 'text_search', 'answer'].map((a) => bars.getByTestId(`p-${a}`).textContent()),
      );
      for (const text of shown) expect(text).toMatch(/^[01]\.\d{3}$/);
      const [image, textSearch, answer] = shown.map(Number);
      for (const p of [image, textSearch, answer]) expect(p).toBeLessThanOrEqual(1);
      expect(image + textSearch + answer).toBeLessThanOrEqual(1.0015); // the three need not sum to 1 (rounded to 0.001)
    }
    // The turn view shows the bars of its own decision too.
    expect(await page.locator('[data-testid=turn][data-turn="1"]').getByTestId('decision-bars').count()).toBe(1);
    await page.screenshot({ path: artifactPath('lab-decision-probabilities.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    await page.keyboard.press('t');
    // The shortcut is in the help overlay.
    await page.keyboard.press('?');
    await expect
      .poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).textContent())
      .toContain('what if');
    await page.keyboard.press('Escape');
  });

  it('edits the reward with checking and completion, re-scores the run and sees the histogram change', async () => {
    await page.getByLabel('Run').selectOption({ label: 'demo' });
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe('27 trajectories');
    const pinned = await currentTrajectory();
    await page.keyboard.press('m');
    await expect.poll(() => page.getByTestId('pin').textContent()).toBe('Unpin (M)');
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Reward');
    await expect.poll(() => page.getByTestId('expression-ok').isVisible()).toBe(true);
    const counts = async () => ({
      before: await page.locator('rect.rw-before').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-count'))),
      after: await page.locator('rect.rw-after').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-count'))),
    });
    // Under the run's own spec nothing changes.
    // Re-scoring runs as a job (a worker thread): allow for its start on a busy machine.
    const job = { timeout: 30_000 };
    await page.getByTestId('rescore').click();
    await expect.poll(() => page.getByTestId('changed-rewards').textContent(), job).toBe('0');
    const same = await counts();
    expect(same.after).toEqual(same.before);
    // Edit: a syntax error is shown with its position; completion finishes a variable name.
    const editor = page.getByLabel('Expression');
    await editor.fill('format + 1 / (1 + tok');
    await expect.poll(() => page.getByTestId('completions').textContent()).toContain('tokens');
    await editor.press('Tab');
    expect(await editor.inputValue()).toBe('format + 1 / (1 + tokens');
    await expect.poll(() => page.getByTestId('expression-error').textContent()).toMatch(/\^/);
    await editor.press('End');
    await editor.type(')');
    await expect.poll(() => page.getByTestId('expression-ok').textContent()).toContain('tokens');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () => Number(await page.getByTestId('changed-rewards').textContent()), job)
      .toBeGreaterThan(0);
    const changed = await counts();
    expect(changed.after).not.toEqual(changed.before);
    expect(await page.getByTestId('pinned-table').textContent()).toContain(`#${pinned}`);
    // Each re-scoring ran as a job and is stored: both are listed, and the first reopens.
    await expect.poll(() => page.getByTestId('rescore-history').locator('button').count(), job).toBe(2);
    await page.getByTestId('rescore-history').locator('button').last().click();
    await expect.poll(() => page.getByTestId('changed-rewards').textContent()).toBe('0');
    await page.getByTestId('rescore-history').locator('button').first().click();
    await expect.poll(async () => Number(await page.getByTestId('changed-rewards').textContent())).toBeGreaterThan(0);
    await page.screenshot({ path: artifactPath('lab-reward.png'), fullPage: true });
    await page.getByTestId('save-spec').click();
    await expect.poll(() => page.getByText('Saved mmsearch-r1 v2').isVisible()).toBe(true);
  });

  it("shows label vs behaviour and opens a cell's trajectories", async () => {
    await page.keyboard.press('Alt+2');
    const matrix = page.getByTestId('confusion');
    await expect.poll(() => matrix.locator('button[data-testid^=cell-]').count()).toBeGreaterThan(0);
    const cell = matrix.locator('button[data-testid^=cell-]').first();
    const shownCount = (await cell.textContent())!.trim().split(' ')[0];
    expect(shownCount).toMatch(/^\d+$/);
    const count = Number(shownCount);
    const [, need, did] = /^cell-(.+)-(none|image|text|both)$/.exec((await cell.getAttribute('data-testid'))!)!;
    await page.screenshot({ path: artifactPath('lab-confusion.png'), fullPage: true });
    await cell.click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Trajectories');
    await expect.poll(() => page.getByTestId('cell-filter').textContent()).toBe(`need ${need} × did ${did} ✕`);
    await expect.poll(() => page.getByTestId('trajectory-total').textContent()).toBe(`${count} trajectories`);
  });

  it('keeps the dashboard live: a step committed by the engine appears without a reload', async () => {
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('chart-reward').locator('canvas').count()).toBe(1);
    // What a training job does at the end of a step, from another connection (as the job's worker would).
    const store = openStore(homePaths(home).database);
    store.db.transaction(() => {
      store.repos.runs.setStatus(runId, 'running');
      store.repos.runs.commitStep(runId, 4);
      store.repos.runs.putMetrics(runId, 4, { reward_mean: 0.42, reward_std: 0.1 });
    })();
    store.close();
    const row = page.getByTestId('run-list').locator(`tr[data-run="${runId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('0.420');
    expect(await row.textContent()).toContain('running');
    // The chart's x axis (and the step buttons under it) now run to step 4.
    await expect
      .poll(() => page.locator('.lab-step-buttons button').allTextContents())
      .toEqual(['step 1', 'step 2', 'step 3', 'step 4']);
    expect(pageErrors).toEqual([]);
  });
});
