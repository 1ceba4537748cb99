// What the desktop-app test needs around Electron: its binary (absent from installs made with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1), a display (a private Xvfb on Linux when none is set), and better-sqlite3
// built for Electron's ABI (scripts/electron-native.mjs, as `npm start` does).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../helpers/serve';

const require = createRequire(import.meta.url);

/** The Electron executable, or why there is none here. */
export function findElectron(): { binary: string } | { missing: string } {
  try {
    const binary = require('electron') as unknown; // the package's index throws when its binary was never downloaded
    if (typeof binary === 'string' && fs.existsSync(binary)) return { binary };
    return { missing: `Electron's binary is not at ${String(binary)}` };
  } catch (error) {
    return {
      missing:
        `Electron's binary is not installed (${(error as Error).message.split('\n')[0]}); installs made with ` +
        'ELECTRON_SKIP_BINARY_DOWNLOAD=1 have none. Where it can be downloaded: node node_modules/electron/install.js',
    };
  }
}

export interface Display {
  env: NodeJS.ProcessEnv;
  stop(): void;
}

/** The display Electron opens its window on: the current one, else a private Xvfb server (Linux). */
export async function openDisplay(): Promise<Display> {
  if (process.platform !== 'linux' || process.env.DISPLAY) return { env: {}, stop: () => {} };
  let xvfb: ChildProcess;
  try {
    execFileSync('which', ['Xvfb'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'Electron needs a display and none is set (DISPLAY): install Xvfb (apt-get install -y xvfb) or run under a desktop session',
    );
  }
  // -displayfd: Xvfb picks a free display number and writes it to fd 3 once it is ready.
  xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let written = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 15 s')), 15_000);
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      written += chunk.toString();
      if (written.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${written.trim()}`);
      }
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code} before it was ready`)));
  });
  return { env: { DISPLAY: display }, stop: () => xvfb.kill('SIGTERM') };
}

/** Builds (once) and returns better-sqlite3's binding for Electron's ABI, which the engine loads inside Electron. */
export function ensureElectronSqlite(): string {
  return execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'electron-native.mjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
