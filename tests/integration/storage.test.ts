import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, SchemaTooNewError, latestSchemaVersion } from '../../src/main/storage/database';
import { migrations } from '../../src/main/storage/migrations';
import { openStore } from '../../src/main/storage';
import { tempHome, removeTempHomes } from '../helpers/home';

afterEach(removeTempHomes);

describe('storage', () => {
  it('creates every table in WAL mode with foreign keys on, and records the schema version', () => {
    const file = path.join(tempHome(), 'searchlab.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    for (const table of [
      'datasets',
      'samples',
      'images',
      'labels',
      'runs',
      'checkpoints',
      'trajectories',
      'turns',
      'rewards',
      'search_cache',
      'settings',
      'jobs',
    ]) {
      expect(tables).toContain(table);
    }
    expect((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(
      latestSchemaVersion(),
    );
    db.close();
  });

  it('upgrades an older database in place and keeps its data', () => {
    const file = path.join(tempHome(), 'searchlab.db');
    const old = openDatabase(file, migrations);
    old.prepare("INSERT INTO datasets (name, created_at) VALUES ('kept', 1)").run();
    old.close();
    const next = [
      ...migrations,
      { version: latestSchemaVersion() + 1, name: 'add-notes', sql: 'ALTER TABLE datasets ADD COLUMN notes TEXT' },
    ];
    const db = openDatabase(file, next);
    expect(db.prepare('SELECT name, notes FROM datasets').all()).toEqual([{ name: 'kept', notes: null }]);
    expect((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(
      latestSchemaVersion() + 1,
    );
    db.close();
  });

  it('refuses a database written by a newer SearchLab, with a message that says what to do', () => {
    const file = path.join(tempHome(), 'searchlab.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('from the future');
    raw.close();
    expect(() => openDatabase(file)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(file)).toThrow(/schema version 999.*newer SearchLab.*--home/);
  });

  it('rolls back a migration that fails, leaving the database at its previous version', () => {
    const file = path.join(tempHome(), 'searchlab.db');
    openDatabase(file).close();
    const broken = [
      ...migrations,
      {
        version: latestSchemaVersion() + 1,
        name: 'broken',
        sql: 'CREATE TABLE half (x INT); SELECT * FROM no_such_table;',
      },
    ];
    expect(() => openDatabase(file, broken)).toThrow(/no_such_table/);
    const db = openDatabase(file);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('stores an image once however often it is added', () => {
    const store = openStore(path.join(tempHome(), 'searchlab.db'));
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const a = store.repos.images.put(bytes, { mime: 'image/png' });
    const b = store.repos.images.put(bytes, { mime: 'image/png' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(store.repos.images.count()).toBe(1);
    expect([...store.repos.images.get(a)!.bytes]).toEqual([1, 2, 3, 4, 5]);
    store.close();
  });

  it('enforces references between tables', () => {
    const store = openStore(path.join(tempHome(), 'searchlab.db'));
    expect(() =>
      store.db.prepare("INSERT INTO samples (dataset_id, row_index, question, answer) VALUES (42, 0, 'q', 'a')").run(),
    ).toThrow(/FOREIGN KEY/);
    store.close();
  });
});
