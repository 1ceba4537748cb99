// All SQL about the datasets table and a dataset's counts.
import type { Db } from '../database';
import type { DatasetSummary } from '../../../shared/contract';

interface DatasetRow {
  id: number;
  name: string;
  description: string;
  source: string | null;
  recipe: string | null;
  created_at: number;
}

export function createDatasetsRepository(db: Db) {
  const byId = db.prepare<[number], DatasetRow>('SELECT * FROM datasets WHERE id = ?');
  const byName = db.prepare<[string], DatasetRow>('SELECT * FROM datasets WHERE name = ?');
  const insert = db.prepare(
    'INSERT INTO datasets (name, description, source, recipe, created_at) VALUES (?, ?, ?, ?, ?)',
  );

  function summary(row: DatasetRow): DatasetSummary {
    const counts = db
      .prepare<[number], { samples: number; images: number }>(
        'SELECT count(*) AS samples, count(DISTINCT image_sha256) AS images FROM samples WHERE dataset_id = ?',
      )
      .get(row.id)!;
    const labels = db
      .prepare<[number], { label: string; n: number }>(
        'SELECT l.label, count(*) AS n FROM labels l JOIN samples s ON s.id = l.sample_id WHERE s.dataset_id = ? GROUP BY l.label ORDER BY l.label',
      )
      .all(row.id);
    const distinct = (column: 'data_source' | 'split') =>
      db
        .prepare<[number], { v: string }>(
          `SELECT DISTINCT ${column} AS v FROM samples WHERE dataset_id = ? AND ${column} IS NOT NULL ORDER BY v LIMIT 500`,
        )
        .all(row.id)
        .map((r) => r.v);
    const annotators = db
      .prepare<[number], { a: string }>(
        'SELECT DISTINCT l.annotator AS a FROM labels l JOIN samples s ON s.id = l.sample_id WHERE s.dataset_id = ? ORDER BY a',
      )
      .all(row.id)
      .map((r) => r.a);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      source: row.source,
      recipe: row.recipe === null ? null : (JSON.parse(row.recipe) as unknown),
      createdAt: row.created_at,
      samples: counts.samples,
      images: counts.images,
      labels: Object.fromEntries(labels.map((l) => [l.label, l.n])),
      annotators,
      dataSources: distinct('data_source'),
      splits: distinct('split'),
    };
  }

  return {
    create(fields: { name: string; description?: string; source?: string | null; recipe?: unknown }): number {
      const info = insert.run(
        fields.name,
        fields.description ?? '',
        fields.source ?? null,
        fields.recipe === undefined ? null : JSON.stringify(fields.recipe),
        Date.now(),
      );
      return Number(info.lastInsertRowid);
    },
    find(idOrName: number | string): DatasetRow | undefined {
      return typeof idOrName === 'number' ? byId.get(idOrName) : byName.get(idOrName);
    },
    exists(name: string): boolean {
      return byName.get(name) !== undefined;
    },
    summary(id: number): DatasetSummary | undefined {
      const row = byId.get(id);
      return row ? summary(row) : undefined;
    },
    list(): DatasetSummary[] {
      return db.prepare<[], DatasetRow>('SELECT * FROM datasets ORDER BY created_at DESC, id DESC').all().map(summary);
    },
    /** Deletes the dataset; its samples, labels and label history go with it (foreign keys cascade). */
    delete(id: number): boolean {
      return db.transaction(() => db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0)();
    },
  };
}
export type DatasetsRepository = ReturnType<typeof createDatasetsRepository>;
