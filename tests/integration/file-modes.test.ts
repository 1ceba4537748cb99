// On a shared machine the data folder is its owner's alone: the folder 0700, the database and its WAL and
// shared-memory files 0600, files the engine writes later too; a folder and database left open by an older install
// are narrowed.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../src/main/engine/engine';
import { homePaths } from '../../src/main/platform/home';
import { tempHome, removeTempHomes } from '../helpers/home';

afterEach(removeTempHomes);

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('creates the data folder 0700 and the database files 0600', async () => {
    const home = path.join(tempHome(), 'fresh');
    const engine = Engine.open({ home, face: 'cli' });
    try {
      await engine.call('settings.update', { theme: 'dark' });
      const db = homePaths(home).database;
      expect(mode(home)).toBe(0o700);
      for (const file of [db, `${db}-wal`, `${db}-shm`]) expect([file, mode(file)]).toEqual([file, 0o600]);
      await engine.call('search.secrets.set', { name: 'serpapi', value: 'k-123' });
      for (const entry of fs.readdirSync(home)) {
        const full = path.join(home, entry);
        expect([entry, mode(full) & 0o077]).toEqual([entry, 0]);
      }
    } finally {
      await engine.close();
    }
  });

  it('narrows the world-readable data folder and database of an older install', async () => {
    const home = tempHome();
    const first = Engine.open({ home, face: 'cli' });
    await first.close();
    const db = homePaths(home).database;
    fs.chmodSync(db, 0o644);
    fs.chmodSync(home, 0o755);
    const again = Engine.open({ home, face: 'cli' });
    try {
      expect(mode(db)).toBe(0o600);
      expect(mode(home)).toBe(0o700);
    } finally {
      await again.close();
    }
  });
});
