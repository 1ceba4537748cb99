// Opening the database: WAL, foreign keys, and migrations recorded in the database itself.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations, type Migration } from './migrations';
import { packageRoot } from '../platform/package-root';
import { refuseWrites } from './read-only';

export type Db = Database.Database;

export class SchemaTooNewError extends Error {
  constructor(file: string, found: number, known: number) {
    super(
      `The database ${file} has schema version ${found}, written by a newer SearchLab; this version knows up to ${known}. ` +
        `Upgrade SearchLab, or choose another data folder with --home.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * A read-only opening found a database older than this code (or none yet): only the process that holds the data
 * folder may create or upgrade it. The engine says who that is.
 */
export class SchemaBehindError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly needed: number,
  ) {
    super(
      found === 0
        ? `The database ${file} does not exist yet, and a read-only opening cannot create it`
        : `The database ${file} has schema version ${found}; this SearchLab needs ${needed}, and a read-only opening cannot upgrade it`,
    );
    this.name = 'SchemaBehindError';
  }
}

export interface OpenOptions {
  /**
   * Set when another process holds the data folder: the database is opened read-only (SQLite refuses every write,
   * with `refusal` as the message), nothing is created, no migration runs, and an older schema is refused.
   */
  readOnly?: { refusal: string };
}

export function latestSchemaVersion(list: Migration[] = migrations): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0);
}

/** Inside Electron, the better-sqlite3 build for Electron's ABI made by scripts/electron-native.mjs. */
function electronNativeBinding(): string | undefined {
  const electron = process.versions.electron;
  if (!electron) return undefined;
  const file = path.join(
    packageRoot(),
    'native',
    `electron-${electron}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  return fs.existsSync(file) ? file : undefined;
}

/**
 * The database is readable by its owner only (on a shared machine it holds datasets, trajectories and cached
 * search results). SQLite gives the -wal and -shm files the database file's mode, so the file is made 0600 before
 * SQLite first opens it, and files of an older install are narrowed on open.
 */
function ownerOnly(file: string): void {
  if (process.platform === 'win32') return;
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch {
      // Not there (yet): created later with the database's mode.
    }
  }
}

export function openDatabase(file: string, list: Migration[] = migrations, options: OpenOptions = {}): Db {
  if (options.readOnly) return openReadOnly(file, list, options.readOnly.refusal);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  ownerOnly(file);
  const db = new Database(file, { nativeBinding: electronNativeBinding() });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    migrate(db, file, list);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openReadOnly(file: string, list: Migration[], refusal: string): Db {
  const needed = latestSchemaVersion(list);
  if (!fs.existsSync(file)) throw new SchemaBehindError(file, 0, needed);
  const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: electronNativeBinding() });
  try {
    // The holder set WAL mode, and its writes stay visible to this connection; only per-connection settings here.
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    const found = hasMigrationsTable(db) ? schemaVersion(db) : 0;
    if (found > needed) throw new SchemaTooNewError(file, found, needed);
    if (found < needed) throw new SchemaBehindError(file, found, needed);
    return refuseWrites(db, refusal);
  } catch (error) {
    db.close();
    throw error;
  }
}

const hasMigrationsTable = (db: Db): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies every migration newer than the database, each in its own transaction; refuses a newer database. */
export function migrate(db: Db, file: string, list: Migration[] = migrations): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const current = schemaVersion(db);
  const known = latestSchemaVersion(list);
  if (current > known) throw new SchemaTooNewError(file, current, known);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
  }
}
