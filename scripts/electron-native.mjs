#!/usr/bin/env node
// better-sqlite3 is a native addon built for Node's ABI (the CLI, browser mode and tests use it). Electron's
// engine process needs a build for Electron's ABI. Rebuilding in place would break the Node side, so this
// builds a second copy in a scratch folder and keeps only its .node file under native/, which the storage
// layer loads when it runs inside Electron. Run by `npm start` when Electron's binary is present.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

export function electronBindingPath(electronVersion) {
  return path.join(root, 'native', `electron-${electronVersion}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
}

export function buildElectronBinding() {
  const electronVersion = require('electron/package.json').version;
  const target = electronBindingPath(electronVersion);
  if (fs.existsSync(target)) return target;
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'searchlab-electron-native-'));
  fs.cpSync(source, scratch, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) && !p.endsWith(`${path.sep}build`) });
  const run = (cmd, args) => spawnSync(cmd, args, { cwd: scratch, stdio: 'inherit', shell: process.platform === 'win32' });
  console.error(`Building better-sqlite3 for Electron ${electronVersion}…`);
  // A prebuilt binary when one can be downloaded, else compile against Electron's headers.
  const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`]);
  if (prebuilt.status !== 0) {
    const gyp = run('npx', ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers']);
    if (gyp.status !== 0) throw new Error('Could not build better-sqlite3 for Electron; see the output above.');
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(scratch, 'build', 'Release', 'better_sqlite3.node'), target);
  fs.rmSync(scratch, { recursive: true, force: true });
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(buildElectronBinding());
