// All SQL about samples: filtered, searched pages for browsing and labeling; one sample in full; copies.
import type { Db } from '../database';
import type { SampleDetail, SampleLabel, SampleSummary, SearchNeed } from '../../../shared/contract';
import type { z } from 'zod';
import type { SampleQuery } from '../../../shared/contract';

type Query = z.output<typeof SampleQuery>;

interface SampleRow {
  id: number;
  dataset_id: number;
  row_index: number;
  data_id: string | null;
  question: string;
  answer: string;
  candidate_answers: string;
  image_sha256: string | null;
  image_url: string | null;
  data_source: string | null;
  category: string | null;
  split: string | null;
  prompt: string | null;
  search_need: SearchNeed | null;
  extra: string | null;
  g_model: string | null;
  g_runs: number | null;
  g_correct: number | null;
  g_label: 'search_free' | 'search_required' | null;
}

/** Words of the user's query as an FTS5 expression: every word must appear, the last one as a prefix. */
export function ftsExpression(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  if (!words?.length) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

function whereClause(q: Query): { sql: string; params: Record<string, unknown> } {
  const clauses = ['s.dataset_id = @datasetId'];
  const params: Record<string, unknown> = { datasetId: q.datasetId };
  if (q.q !== undefined) {
    const match = ftsExpression(q.q);
    if (match) {
      clauses.push('s.id IN (SELECT rowid FROM samples_fts WHERE samples_fts MATCH @match)');
      params.match = match;
    }
  }
  if (q.label === 'unlabeled') clauses.push('NOT EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = s.id)');
  else if (q.label !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = s.id AND l.label = @label)');
    params.label = q.label;
  }
  if (q.dataSource !== undefined) {
    clauses.push('s.data_source = @dataSource');
    params.dataSource = q.dataSource;
  }
  if (q.split !== undefined) {
    clauses.push('s.split = @split');
    params.split = q.split;
  }
  if (q.queue === 'unlabeled') {
    if (q.annotator) {
      clauses.push('NOT EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = s.id AND l.annotator = @annotator)');
      params.annotator = q.annotator;
    } else clauses.push('NOT EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = s.id)');
  } else if (q.queue === 'disagreeing') {
    clauses.push('(SELECT count(DISTINCT l.label) FROM labels l WHERE l.sample_id = s.id) > 1');
  }
  return { sql: clauses.join(' AND '), params };
}

const selectColumns = `s.*, g.model AS g_model, g.runs AS g_runs, g.correct AS g_correct, g.label AS g_label`;

function toSummary(row: SampleRow, labels: SampleLabel[]): SampleSummary {
  return {
    id: row.id,
    rowIndex: row.row_index,
    dataId: row.data_id,
    question: row.question,
    answer: row.answer,
    imageSha256: row.image_sha256,
    dataSource: row.data_source,
    category: row.category,
    split: row.split,
    searchNeed: row.search_need,
    labels,
    suggestion:
      row.g_model === null
        ? null
        : { model: row.g_model, runs: row.g_runs!, correct: row.g_correct!, label: row.g_label! },
  };
}

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

export function createSamplesRepository(db: Db) {
  function labelsFor(ids: number[]): Map<number, SampleLabel[]> {
    const out = new Map<number, SampleLabel[]>();
    if (ids.length === 0) return out;
    const rows = db
      .prepare<
        [string],
        { sample_id: number; annotator: string; label: SearchNeed; note: string | null; created_at: number }
      >(
        'SELECT sample_id, annotator, label, note, created_at FROM labels WHERE sample_id IN (SELECT value FROM json_each(?)) ORDER BY annotator',
      )
      .all(JSON.stringify(ids));
    for (const r of rows) {
      const list = out.get(r.sample_id) ?? [];
      list.push({ annotator: r.annotator, label: r.label, note: r.note, createdAt: r.created_at });
      out.set(r.sample_id, list);
    }
    return out;
  }

  return {
    labelsFor,
    page(q: Query): { total: number; offset: number; rows: SampleSummary[] } {
      const where = whereClause(q);
      const after = q.afterRowIndex !== undefined && q.order === 'row' ? ' AND s.row_index > @afterRowIndex' : '';
      const params = after ? { ...where.params, afterRowIndex: q.afterRowIndex } : where.params;
      const total = (
        db.prepare(`SELECT count(*) AS n FROM samples s WHERE ${where.sql}${after}`).get(params) as { n: number }
      ).n;
      const order =
        q.order === 'uncertain'
          ? 'ORDER BY (g.sample_id IS NULL), abs(CAST(g.correct AS REAL) / g.runs - 0.5), s.row_index'
          : 'ORDER BY s.row_index';
      const rows = db
        .prepare(
          `SELECT ${selectColumns} FROM samples s LEFT JOIN label_suggestions g ON g.sample_id = s.id
           WHERE ${where.sql}${after} ${order} LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: q.limit, offset: q.offset }) as SampleRow[];
      const labels = labelsFor(rows.map((r) => r.id));
      return { total, offset: q.offset, rows: rows.map((r) => toSummary(r, labels.get(r.id) ?? [])) };
    },
    get(id: number): SampleDetail | undefined {
      const row = db
        .prepare(
          `SELECT ${selectColumns} FROM samples s LEFT JOIN label_suggestions g ON g.sample_id = s.id WHERE s.id = ?`,
        )
        .get(id) as SampleRow | undefined;
      if (!row) return undefined;
      const image = row.image_sha256
        ? ((db.prepare('SELECT mime, width, height, size FROM images WHERE sha256 = ?').get(row.image_sha256) as
            SampleDetail['image'] | undefined) ?? null)
        : null;
      return {
        ...toSummary(row, labelsFor([id]).get(id) ?? []),
        datasetId: row.dataset_id,
        candidates: JSON.parse(row.candidate_answers) as string[],
        imageUrl: row.image_url,
        image,
        prompt: parseJson(row.prompt),
        extra: parseJson(row.extra),
      };
    },
    datasetOf(sampleId: number): number | undefined {
      return (
        db.prepare('SELECT dataset_id FROM samples WHERE id = ?').get(sampleId) as { dataset_id: number } | undefined
      )?.dataset_id;
    },
    /** Every sample of a dataset in row order, a page at a time (export walks a dataset with this). */
    rows(
      datasetId: number,
      afterRowIndex: number,
      limit: number,
    ): Omit<SampleRow, 'g_model' | 'g_runs' | 'g_correct' | 'g_label'>[] {
      return db
        .prepare('SELECT * FROM samples WHERE dataset_id = ? AND row_index > ? ORDER BY row_index LIMIT ?')
        .all(datasetId, afterRowIndex, limit) as SampleRow[];
    },
    /** What a balanced subset chooses from: each sample's source, construction label and annotators' labels. */
    needs(
      datasetId: number,
    ): { id: number; dataSource: string | null; searchNeed: SearchNeed | null; labels: SearchNeed[] }[] {
      // Two plain scans are much faster than a correlated subquery per sample.
      const labels = new Map<number, SearchNeed[]>();
      const labelRows = db
        .prepare(
          'SELECT l.sample_id AS id, l.label FROM labels l JOIN samples s ON s.id = l.sample_id WHERE s.dataset_id = ?',
        )
        .raw()
        .all(datasetId) as [number, SearchNeed][];
      for (const [id, label] of labelRows) labels.set(id, [...(labels.get(id) ?? []), label]);
      const rows = db
        .prepare('SELECT id, data_source, search_need FROM samples WHERE dataset_id = ? ORDER BY row_index')
        .raw()
        .all(datasetId) as [number, string | null, SearchNeed | null][];
      return rows.map(([id, dataSource, searchNeed]) => ({ id, dataSource, searchNeed, labels: labels.get(id) ?? [] }));
    },
    /** Records a model-assisted suggestion (the policy answered `correct` of `runs` times without search). */
    putSuggestion(
      sampleId: number,
      model: string,
      runs: number,
      correct: number,
      label: 'search_free' | 'search_required',
    ): void {
      db.prepare(
        `INSERT INTO label_suggestions (sample_id, model, runs, correct, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(sample_id) DO UPDATE SET model = excluded.model, runs = excluded.runs, correct = excluded.correct,
           label = excluded.label, created_at = excluded.created_at`,
      ).run(sampleId, model, runs, correct, label, Date.now());
    },
    suggestionCount(datasetId: number): number {
      return (
        db
          .prepare(
            'SELECT count(*) AS n FROM label_suggestions g JOIN samples s ON s.id = g.sample_id WHERE s.dataset_id = ?',
          )
          .get(datasetId) as { n: number }
      ).n;
    },
    /** Copies samples (and their labels) into another dataset, in the given order, set-wise. Call inside a transaction. */
    copyInto(datasetId: number, sampleIds: number[]): void {
      const ids = JSON.stringify(sampleIds);
      db.prepare(
        `INSERT INTO samples (dataset_id, row_index, data_id, question, answer, candidate_answers, image_sha256, image_url,
                              data_source, category, split, prompt, search_need, extra)
         SELECT ?, CAST(j.key AS INTEGER), s.data_id, s.question, s.answer, s.candidate_answers, s.image_sha256, s.image_url,
                s.data_source, s.category, s.split, s.prompt, s.search_need, s.extra
         FROM json_each(?) j JOIN samples s ON s.id = j.value ORDER BY j.key`,
      ).run(datasetId, ids);
      db.prepare(
        `INSERT INTO labels (sample_id, annotator, label, note, created_at)
         SELECT copy.id, l.annotator, l.label, l.note, l.created_at
         FROM json_each(?) j JOIN samples copy ON copy.dataset_id = ? AND copy.row_index = j.key JOIN labels l ON l.sample_id = j.value`,
      ).run(ids, datasetId);
    },
  };
}
export type SamplesRepository = ReturnType<typeof createSamplesRepository>;
export type StoredSample = ReturnType<SamplesRepository['rows']>[number];
