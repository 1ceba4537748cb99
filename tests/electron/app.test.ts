// The desktop app itself, driven through Playwright's Electron support: the window opens on the demo world, the
// renderer reaches the engine over IPC with the protocol's messages, and the window's security settings hold.
// Runs wherever Electron's binary is installed (under a private Xvfb on Linux); elsewhere it is skipped, and
// the skipped suite's name and a console line say why. Needs `npm run build` (out/).
import fs from 'node:fs';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/serve';
import { removeTempHomes, tempHome } from '../helpers/home';
import { ensureElectronSqlite, findElectron, openDisplay, type Display } from './desktop';

/** The app should build its demo world on a fresh data folder, whatever the calling shell opted out of. */
function withoutDemoOptOut(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SEARCHLAB_NO_DEMO: _optOut, ...rest } = env;
  return rest;
}

const electronFound = findElectron();
const skipReason = 'missing' in electronFound ? electronFound.missing : null;
if (skipReason) console.warn(`tests/electron skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)(`the desktop app${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let display: Display;
  let app: ElectronApplication;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    expect(fs.existsSync(`${repoRoot}/out/main/index.js`), 'out/ is missing: run npm run build first').toBe(true);
    ensureElectronSqlite();
    display = await openDisplay();
    home = tempHome('searchlab-electron-');
    // Chromium refuses to run as root with its OS sandbox; the renderer's own sandbox (webPreferences) stays on.
    const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    app = await electron.launch({
      executablePath: (electronFound as { binary: string }).binary,
      args: [repoRoot, ...rootOnly, '--home', home],
      env: { ...withoutDemoOptOut(process.env), ...display.env, SEARCHLAB_LOG: 'warn' },
      timeout: 60_000,
    });
    page = await app.firstWindow();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    display?.stop();
    removeTempHomes();
  });

  it('opens one window titled SearchLab, connected to its engine and setting up the demo world', async () => {
    await expect.poll(() => page.title()).toBe('SearchLab');
    await expect
      .poll(() => page.getByTestId('engine-status').textContent(), { timeout: 30_000 })
      .toBe('Engine connected');
    const banner = page.getByRole('status', { name: 'Demo world' });
    await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await banner.textContent()).toContain('Setting up the demo world');
    expect(app.windows()).toHaveLength(1);
  });

  it('answers the protocol over IPC: a request gets the engine’s reply, a malformed one a clear error', async () => {
    const info = (await page.evaluate(() =>
      (window as any).searchlab.request({ type: 'request', id: 7, method: 'system.info', params: {} }),
    )) as any;
    expect(info).toMatchObject({ type: 'response', id: 7, ok: true, result: { face: 'electron', home } });
    const bad = (await page.evaluate(() =>
      (window as any).searchlab.request({ type: 'request', id: 8, method: 'no.such.method', params: {} }),
    )) as any;
    expect(bad).toMatchObject({ type: 'response', id: 8, ok: false, error: { code: 'unknown_method' } });
    expect(bad.error.message).toMatch(/no\.such\.method/);
  });

  it('isolates the renderer: context isolation, sandbox, no Node, only the two-function bridge', async () => {
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences is what Electron's own tests read; it is missing from the public typings.
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
        getLastWebPreferences(): Electron.WebPreferences;
      };
      const prefs = contents.getLastWebPreferences();
      return {
        contextIsolation: prefs.contextIsolation,
        sandbox: prefs.sandbox,
        nodeIntegration: prefs.nodeIntegration,
        webSecurity: prefs.webSecurity,
      };
    });
    expect(preferences).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    const renderer = await page.evaluate(() => ({
      require: typeof (window as any).require,
      process: typeof (window as any).process,
      bridge: Object.keys((window as any).searchlab).sort(),
    }));
    expect(renderer).toEqual({ require: 'undefined', process: 'undefined', bridge: ['onEvent', 'request'] });
  });

  it('stays on its page: navigation away and new windows are refused', async () => {
    const start = page.url();
    await page.evaluate(() => {
      window.location.href = 'file:///etc/hostname';
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(page.url()).toBe(start);
    expect(await page.evaluate(() => window.open('about:blank'))).toBeNull();
    expect(app.windows()).toHaveLength(1);
  });

  it('enforces its Content-Security-Policy: no inline script, no remote connections', async () => {
    // Code run by evaluate() itself is exempt from the page's policy, so this checks what the page would do.
    const outcome = await page.evaluate(async () => {
      const violated: string[] = [];
      document.addEventListener('securitypolicyviolation', (event) => violated.push(event.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      const remote = await fetch('https://example.com/').then(
        () => 'connected',
        () => 'refused',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { inline: (window as any).__inlineRan === true, remote, violated: [...new Set(violated)].sort() };
    });
    expect(outcome).toEqual({ inline: false, remote: 'refused', violated: ['connect-src', 'script-src-elem'] });
  });
});
