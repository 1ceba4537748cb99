#!/usr/bin/env node
// `npm start`: build the app if needed, then open it in Electron; where Electron's binary is missing
// (as on headless GPU boxes and CI machines), serve the same UI in browser mode instead and say so.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildElectronBinding } from './electron-native.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

function buildIsFresh() {
  const built = path.join(root, 'out', 'renderer', 'index.html');
  if (!fs.existsSync(built) || !fs.existsSync(path.join(root, 'out', 'main', 'index.js'))) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  const newest = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const file = path.join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs);
    }, 0);
  return newest(path.join(root, 'src')) <= builtAt;
}

function electronBinary() {
  try {
    const binary = require('electron'); // the package's index throws if its binary was never downloaded
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

if (!buildIsFresh()) {
  console.error('Building SearchLab (electron-vite build)…');
  const result = spawnSync(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const electron = electronBinary();
if (electron) buildElectronBinding();
const child = electron
  ? spawn(electron, [root, ...args], { stdio: 'inherit' })
  : (console.error(
      "Electron's binary is not installed here (installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1 have none), so SearchLab starts in browser mode.\n" +
        'Open the URL below in a browser on this machine (or through an SSH tunnel).',
    ),
    spawn(process.execPath, [path.join(root, 'bin', 'searchlab.mjs'), 'serve', ...args], { stdio: 'inherit' }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
