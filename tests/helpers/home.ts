// Fresh data folders for tests, removed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';

const made: string[] = [];

export function tempHome(prefix = 'searchlab-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempHomes(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Stores `count` distinct random "images" (the verify job only hashes bytes) in one transaction. */
export function seedImages(home: string, count: number, bytes = 2048): string[] {
  const store = openStore(homePaths(home).database);
  try {
    const shas: string[] = [];
    store.db.transaction(() => {
      for (let i = 0; i < count; i++)
        shas.push(store.repos.images.put(randomBytes(bytes), { mime: 'application/octet-stream' }));
    })();
    return shas;
  } finally {
    store.close();
  }
}
