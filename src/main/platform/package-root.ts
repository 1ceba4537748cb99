import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

/** SearchLab's own folder (where its package.json is), found from this file in source or in the build. */
export function packageInfo(): { root: string; version: string } {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'searchlab') return (cached = { root: dir, version: pkg.version ?? '0.0.0' });
    }
    dir = path.dirname(dir);
  }
  throw new Error(`Cannot find SearchLab's package.json above ${fileURLToPath(import.meta.url)}`);
}

export const packageVersion = (): string => packageInfo().version;
export const packageRoot = (): string => packageInfo().root;

/** The built renderer served by browser mode. */
export const rendererBuildDir = (): string => path.join(packageRoot(), 'out', 'renderer');
