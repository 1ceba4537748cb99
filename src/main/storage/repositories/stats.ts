// Row counts per table and the file's size, for the status bar and `searchlab info`.
import fs from 'node:fs';
import type { Db } from '../database';

const countedTables = [
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
  'jobs',
] as const;

export function createStatsRepository(db: Db, file: string) {
  return {
    counts(): Record<string, number> {
      const out: Record<string, number> = {};
      for (const table of countedTables)
        out[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return out;
    },
    bytes(): number {
      let total = 0;
      for (const suffix of ['', '-wal', '-shm']) {
        try {
          total += fs.statSync(file + suffix).size;
        } catch {
          // the WAL files exist only while a connection is open
        }
      }
      return total;
    },
    integrityErrors(): string[] {
      const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
      return rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    },
  };
}
