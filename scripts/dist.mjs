#!/usr/bin/env node
// `npm run dist`: SearchLab's installers for the machine it runs on — an AppImage and a .deb on Linux, a .dmg on
// macOS, an NSIS installer on Windows (electron-builder.yml; docs/desktop.md). Arguments after `--` go to
// electron-builder, e.g. `npm run dist -- --dir` for an unpacked app only.
// It builds the app (out/), builds better-sqlite3 for Electron's ABI (native/, scripts/electron-native.mjs), then
// packages. Each installer is built on its own OS: the native parts (sharp's libvips, better-sqlite3's Electron
// build) are those of the building machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildElectronBinding } from './electron-native.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

const PLATFORM_FLAGS = { linux: ['--linux', '-l'], darwin: ['--mac', '-m', '--macos'], win32: ['--win', '-w', '--windows'] };

function fail(message) {
  console.error(`npm run dist: ${message}`);
  process.exit(1);
}

function run(script, scriptArgs) {
  const result = spawnSync(process.execPath, [script, ...scriptArgs], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

for (const [platform, flags] of Object.entries(PLATFORM_FLAGS)) {
  if (platform !== process.platform && args.some((a) => flags.includes(a))) {
    fail(`installers for ${platform} are built on ${platform} (this machine is ${process.platform}); see docs/desktop.md`);
  }
}

const otherArch = args.find((a) => ['--x64', '--arm64', '--ia32', '--armv7l', '--universal'].includes(a) && a !== `--${process.arch}`);
if (otherArch) fail(`${otherArch}: installers are built for this machine's architecture (${process.arch}), whose native builds they carry`);

// electron-builder's .deb needs a project homepage (package.json "homepage", or a GitHub "repository").
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const targets = args.filter((a) => !a.startsWith('-'));
const buildsDeb = process.platform === 'linux' && !args.includes('--dir') && (targets.length === 0 || targets.includes('deb'));
if (buildsDeb && !pkg.homepage && !pkg.repository) {
  fail('the .deb needs the project\'s homepage: add "homepage": "<url>" to package.json (or build the AppImage alone: npm run dist -- --linux AppImage)');
}

console.error('Building SearchLab (electron-vite build)…');
run(require.resolve('electron-vite/bin/electron-vite.js'), ['build']);
console.error(`better-sqlite3 for Electron: ${buildElectronBinding()}`);
run(require.resolve('electron-builder/cli.js'), args);
