// A reader's database. An engine that does not hold its data folder (platform/folder-lock.ts) opens the database
// read-only, so SQLite itself refuses every write, whichever call or module attempts it. SQLite's own words for
// that ("attempt to write a readonly database") say nothing useful, so every way a write reaches SQLite (a prepared
// statement, exec, a pragma, a transaction) turns that error into the sentence that names the folder's holder.
import { ApiError } from '../../shared/protocol';
import type { Db } from './database';

/** A write refused because another process holds the data folder; its message names that process. */
export class ReadOnlyFolderError extends ApiError {
  constructor(refusal: string) {
    super('conflict', refusal);
    this.name = 'ReadOnlyFolderError';
  }
}

/** SQLITE_READONLY and its extended codes (SQLITE_READONLY_DBMOVED…), as better-sqlite3 names them. */
const isReadOnlyError = (error: unknown): boolean =>
  typeof (error as { code?: unknown })?.code === 'string' &&
  (error as { code: string }).code.startsWith('SQLITE_READONLY');

function translated<A extends unknown[], R>(work: (...args: A) => R, refusal: string): (...args: A) => R {
  return (...args) => {
    try {
      return work(...args);
    } catch (error) {
      throw isReadOnlyError(error) ? new ReadOnlyFolderError(refusal) : error;
    }
  };
}

/** Makes a read-only connection refuse writes with `refusal`. Reading statements are left untouched. */
export function refuseWrites(db: Db, refusal: string): Db {
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (statement.readonly) return statement;
    statement.run = translated(statement.run.bind(statement), refusal);
    statement.get = translated(statement.get.bind(statement), refusal);
    statement.all = translated(statement.all.bind(statement), refusal);
    return statement;
  }) as Db['prepare'];
  db.exec = translated(db.exec.bind(db), refusal);
  db.pragma = translated(db.pragma.bind(db), refusal) as Db['pragma'];
  const transaction = db.transaction.bind(db);
  db.transaction = ((work: (...args: unknown[]) => unknown) => {
    const plain = transaction(work);
    const guarded = translated(plain, refusal);
    // The variants (BEGIN IMMEDIATE takes the write lock at once) refuse the same way.
    for (const variant of ['deferred', 'immediate', 'exclusive'] as const)
      Object.defineProperty(guarded, variant, { value: translated(plain[variant], refusal) });
    Object.defineProperty(guarded, 'database', { value: db });
    return guarded;
  }) as Db['transaction'];
  return db;
}
