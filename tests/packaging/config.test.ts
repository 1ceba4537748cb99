// The installers' configuration (electron-builder.yml), checked as far as it can be without Electron's binary:
// electron-builder's own schema accepts it, every file it names exists, and a real electron-builder run (an
// unpacked Linux app around a stand-in Electron executable) packs exactly the build in out/ with its native
// parts unpacked. Needs `npm run build` (out/).
// getConfig, validateConfiguration and FileMatcher are electron-builder's own, from its app-builder-lib.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { listPackage } from '@electron/asar';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/serve';

const require = createRequire(import.meta.url);
const at = (...parts: string[]) => path.join(repoRoot, ...parts);

/** Every file under `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** Whether electron-builder's matcher for `patterns` takes the file at `relative`, with macros filled for a target. */
function matches(patterns: string[], relative: string, target: { platform: string; arch: string }): boolean {
  const expand = (pattern: string) =>
    pattern.replaceAll('${platform}', target.platform).replaceAll('${arch}', target.arch);
  const filter = new FileMatcher(repoRoot, repoRoot, expand, patterns).createFilter();
  return filter(at(relative), { isDirectory: () => false } as fs.Stats) === true;
}

/** The app's file patterns: electron-builder's loader turns the `files` list into one file set's filter. */
function filePatterns(config: Configuration): string[] {
  return [config.files ?? []]
    .flat()
    .flatMap((set) => (typeof set === 'string' ? [set] : set.from == null ? [set.filter ?? []].flat() : []));
}

let config: Configuration;
let files: string[];
beforeAll(async () => {
  config = await getConfig(repoRoot, null, null);
  files = filePatterns(config);
});

describe('the electron-builder configuration', () => {
  it('is valid by electron-builder’s own schema, which does reject a misspelled option', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, asarUnpak: ['x'] } as Configuration, new DebugLogger(false)),
    ).rejects.toThrow(/asarUnpak/);
  });

  it('builds an AppImage and a .deb on Linux, a .dmg on macOS and an NSIS installer on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(
      config.npmRebuild,
      'node_modules stays built for Node; better-sqlite3 is built for Electron into native/',
    ).toBe(false);
  });

  it('names only files that exist: the icons, the resources folder and every literal path it packs', () => {
    const named = [
      config.directories!.buildResources!,
      config.mac!.icon!,
      config.win!.icon!,
      config.nsis!.installerIcon!,
      config.nsis!.uninstallerIcon!,
      ...files.filter((p) => !p.startsWith('!') && !/[*{]/.test(p)),
    ];
    for (const file of named) expect(fs.existsSync(at(file)), `${file}, named in electron-builder.yml`).toBe(true);
    const linuxIcons = fs.readdirSync(at(config.linux!.icon!)).filter((f) => /^\d+x\d+\.png$/.test(f));
    expect(linuxIcons, 'the Linux icon folder holds NxN.png files').toContain('512x512.png');
  });

  it('packs the window icon the main process loads', async () => {
    const { windowIconPath } = await import('../../src/main/electron/app-icon');
    const relative = path.relative(repoRoot, windowIconPath()).split(path.sep).join('/');
    expect(matches(files, relative, { platform: 'linux', arch: 'x64' }), relative).toBe(true);
  });

  it('packs better-sqlite3’s Electron build for the target, unpacked, and no other', () => {
    const build = 'native/electron-41.0.0-linux-x64/better_sqlite3.node';
    expect(matches(files, build, { platform: 'linux', arch: 'x64' })).toBe(true);
    expect(matches(config.asarUnpack as string[], build, { platform: 'linux', arch: 'x64' })).toBe(true);
    expect(matches(files, build, { platform: 'linux', arch: 'arm64' })).toBe(false);
    expect(matches(files, build, { platform: 'darwin', arch: 'x64' })).toBe(false);
  });

  it('keeps onnxruntime’s CUDA provider libraries on Linux when installed, unpacked, and leaves other platforms’ binaries out', () => {
    const linux = { platform: 'linux', arch: 'x64' };
    // electron-builder filters dependencies' files starting from all of them ('**/*'), then the `files` patterns.
    const moduleFiles = ['**/*', ...files];
    for (const library of [
      'libonnxruntime_providers_cuda.so',
      'libonnxruntime_providers_shared.so',
      'onnxruntime_binding.node',
    ]) {
      const relative = `node_modules/onnxruntime-node/bin/napi-v6/linux/x64/${library}`;
      expect(matches(moduleFiles, relative, linux), `${relative} packed`).toBe(true);
      expect(matches(config.asarUnpack as string[], relative, linux), `${relative} unpacked`).toBe(true);
    }
    for (const other of [
      'darwin/arm64/onnxruntime_binding.node',
      'win32/x64/onnxruntime.dll',
      'linux/arm64/onnxruntime_binding.node',
    ]) {
      expect(matches(moduleFiles, `node_modules/onnxruntime-node/bin/napi-v6/${other}`, linux), other).toBe(false);
    }
  });
});

describe.skipIf(process.platform !== 'linux')(
  'an unpacked Linux app built by electron-builder from this configuration',
  () => {
    let work: string;
    let resources: string;
    let asar: string[];

    beforeAll(() => {
      expect(fs.existsSync(at('out', 'main', 'index.js')), 'out/ is missing: run npm run build first').toBe(true);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'searchlab-dist-'));
      // A stand-in for Electron's unpacked distribution (its binary cannot be downloaded here); electron-builder
      // copies it and renames the executable, which is all a --dir build does with it.
      const electronDist = path.join(work, 'electron');
      fs.mkdirSync(electronDist);
      fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(electronDist, 'version'), require('electron/package.json').version);
      execFileSync(
        process.execPath,
        [
          require.resolve('electron-builder/cli.js'),
          '--linux',
          'dir',
          `-c.electronDist=${electronDist}`,
          `-c.directories.output=${path.join(work, 'dist')}`,
        ],
        { cwd: repoRoot, stdio: 'pipe', env: { ...process.env, CI: 'true' } },
      );
      resources = path.join(work, 'dist', 'linux-unpacked', 'resources');
      asar = listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) =>
        f.replace(/\\/g, '/').replace(/^\//, ''),
      );
    }, 180_000);

    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    it('packs exactly what npm run build wrote to out/', () => {
      const packed = asar.filter((f) => f.startsWith('out/') && path.extname(f) !== '').sort();
      expect(packed).toEqual(filesUnder(at('out')).map((f) => `out/${f}`));
    });

    it('holds nothing of the source tree: only the build, package.json, the window icon, native builds and dependencies', () => {
      const topLevel = new Set(asar.map((f) => f.split('/')[0]));
      expect([...topLevel].sort()).toEqual(
        expect.arrayContaining(['node_modules', 'out', 'package.json', 'resources']),
      );
      for (const entry of topLevel)
        expect(['native', 'node_modules', 'out', 'package.json', 'resources'], entry).toContain(entry);
      expect(asar.filter((f) => f.startsWith('resources/') && path.extname(f) !== '').sort()).toEqual([
        'resources/icons/512x512.png',
      ]);
    });

    it('carries every production dependency but those the configuration leaves out', () => {
      const pkg = JSON.parse(fs.readFileSync(at('package.json'), 'utf8')) as { dependencies: Record<string, string> };
      const target = { platform: 'linux', arch: process.arch };
      for (const name of Object.keys(pkg.dependencies)) {
        const manifest = `node_modules/${name}/package.json`;
        expect(asar.includes(manifest), name).toBe(matches(['**/*', ...files], manifest, target));
      }
      expect(asar).not.toContain('node_modules/tsx/package.json');
    });

    it('unpacks the native parts onto disk: onnxruntime’s binding and library, sharp and its libvips', () => {
      const unpacked = filesUnder(path.join(resources, 'app.asar.unpacked'));
      const onnx = `node_modules/onnxruntime-node/bin/napi-v6/linux/${process.arch}`;
      expect(unpacked).toContain(`${onnx}/onnxruntime_binding.node`);
      expect(unpacked).toContain(`${onnx}/libonnxruntime.so.1`);
      expect(
        unpacked.filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/') && !f.startsWith(`${onnx}/`)),
      ).toEqual([]);
      expect(
        unpacked.some((f) => /^node_modules\/@img\/sharp-linux-[^/]+\/lib\/sharp-linux-[^/]+\.node$/.test(f)),
        'sharp’s addon',
      ).toBe(true);
      expect(
        unpacked.some((f) => /^node_modules\/@img\/sharp-libvips-linux-[^/]+\/lib\/libvips-cpp\.so/.test(f)),
        'libvips',
      ).toBe(true);
      expect(
        asar.filter((f) => f.startsWith('node_modules/better-sqlite3/') && f.endsWith('.node')),
        'better-sqlite3’s Node build stays out',
      ).toEqual([]);
    });
  },
);
