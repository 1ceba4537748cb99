// All SQL about the settings table: one JSON value per key.
import type { Db } from '../database';

export function createSettingsRepository(db: Db) {
  return {
    all(): Record<string, unknown> {
      const rows = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings').all();
      return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    },
    setMany(values: Record<string, unknown>): void {
      const upsert = db.prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      );
      db.transaction(() => {
        for (const [key, value] of Object.entries(values))
          if (value !== undefined) upsert.run(key, JSON.stringify(value), Date.now());
      })();
    },
  };
}
export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
