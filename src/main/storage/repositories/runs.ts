// All SQL about runs, their per-step metrics and their checkpoints.
import type { Db } from '../database';

export interface RunRow {
  id: number;
  name: string;
  kind: string;
  config: unknown;
  status: string;
  jobId: number | null;
  step: number;
  createdAt: number;
  updatedAt: number;
}

interface RawRun {
  id: number;
  name: string;
  kind: string;
  config: string;
  status: string;
  job_id: number | null;
  step: number;
  created_at: number;
  updated_at: number;
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  config: JSON.parse(r.config) as unknown,
  status: r.status,
  jobId: r.job_id,
  step: r.step,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface EvaluationRow {
  id: number;
  name: string;
  checkpointId: number | null;
  datasetId: number | null;
  policy: string;
  config: unknown;
  metrics: unknown;
  createdAt: number;
}

interface RawEvaluation {
  id: number;
  name: string;
  checkpoint_id: number | null;
  dataset_id: number | null;
  policy: string;
  config: string;
  metrics: string;
  created_at: number;
}

const toEvaluation = (r: RawEvaluation): EvaluationRow => ({
  id: r.id,
  name: r.name,
  checkpointId: r.checkpoint_id,
  datasetId: r.dataset_id,
  policy: r.policy,
  config: JSON.parse(r.config) as unknown,
  metrics: JSON.parse(r.metrics) as unknown,
  createdAt: r.created_at,
});

export function createRunsRepository(db: Db) {
  return {
    insert(name: string, kind: string, config: unknown): RunRow {
      const now = Date.now();
      const id = Number(
        db
          .prepare(
            `INSERT INTO runs (name, kind, config, status, step, created_at, updated_at) VALUES (?, ?, ?, 'created', 0, ?, ?)`,
          )
          .run(name, kind, JSON.stringify(config), now, now).lastInsertRowid,
      );
      return this.get(id)!;
    },
    get(id: number): RunRow | undefined {
      const r = db.prepare<[number], RawRun>('SELECT * FROM runs WHERE id = ?').get(id);
      return r ? toRun(r) : undefined;
    },
    byName(name: string): RunRow | undefined {
      const r = db.prepare<[string], RawRun>('SELECT * FROM runs WHERE name = ? ORDER BY id DESC LIMIT 1').get(name);
      return r ? toRun(r) : undefined;
    },
    list(): RunRow[] {
      return db.prepare<[], RawRun>('SELECT * FROM runs ORDER BY id DESC').all().map(toRun);
    },
    setStatus(id: number, status: string, jobId?: number | null): void {
      db.prepare('UPDATE runs SET status = ?, job_id = coalesce(?, job_id), updated_at = ? WHERE id = ?').run(
        status,
        jobId ?? null,
        Date.now(),
        id,
      );
    },
    /** Marks a step committed; call inside the transaction that stores the step's trajectories and metrics. */
    commitStep(id: number, step: number): void {
      const changed = db
        .prepare('UPDATE runs SET step = ?, updated_at = ? WHERE id = ? AND step = ?')
        .run(step, Date.now(), id, step - 1).changes;
      if (changed !== 1)
        throw new Error(`Run ${id}: step ${step} is not the next step (a step may only be committed once, in order)`);
    },
    putMetrics(runId: number, step: number, metrics: Record<string, number>): void {
      const stmt = db.prepare('INSERT OR REPLACE INTO run_metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)');
      for (const [name, value] of Object.entries(metrics))
        if (Number.isFinite(value)) stmt.run(runId, step, name, value);
    },
    metrics(runId: number): { step: number; name: string; value: number }[] {
      return db
        .prepare<[number], { step: number; name: string; value: number }>(
          'SELECT step, name, value FROM run_metrics WHERE run_id = ? ORDER BY step, name',
        )
        .all(runId);
    },
    /** One metric's values over a run's steps (the index on run, name and step serves it). */
    metricValues(runId: number, name: string): number[] {
      return db
        .prepare<[number, string], { value: number }>(
          'SELECT value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step',
        )
        .all(runId, name)
        .map((r) => r.value);
    },
    lastMetrics(runId: number): Record<string, number> {
      const rows = db
        .prepare<[number, number], { name: string; value: number }>(
          'SELECT name, value FROM run_metrics WHERE run_id = ? AND step = (SELECT max(step) FROM run_metrics WHERE run_id = ?)',
        )
        .all(runId, runId);
      return Object.fromEntries(rows.map((r) => [r.name, r.value]));
    },
    addCheckpoint(runId: number | null, step: number, path: string, modelConfig: unknown): number {
      return Number(
        db
          .prepare('INSERT INTO checkpoints (run_id, step, path, model_config, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(runId, step, path, JSON.stringify(modelConfig), Date.now()).lastInsertRowid,
      );
    },
    checkpoints(runId: number): { id: number; step: number; path: string }[] {
      return db
        .prepare<[number], { id: number; step: number; path: string }>(
          'SELECT id, step, path FROM checkpoints WHERE run_id = ? ORDER BY step',
        )
        .all(runId);
    },
    addEvaluation(e: {
      name: string;
      checkpointId: number | null;
      datasetId: number | null;
      policy: string;
      config: unknown;
      metrics: unknown;
    }): number {
      return Number(
        db
          .prepare(
            'INSERT INTO evaluations (name, checkpoint_id, dataset_id, policy, config, metrics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            e.name,
            e.checkpointId,
            e.datasetId,
            e.policy,
            JSON.stringify(e.config),
            JSON.stringify(e.metrics),
            Date.now(),
          ).lastInsertRowid,
      );
    },
    evaluations(checkpointId?: number): EvaluationRow[] {
      return db
        .prepare<[number | null, number | null], RawEvaluation>(
          'SELECT * FROM evaluations WHERE (? IS NULL OR checkpoint_id = ?) ORDER BY id DESC',
        )
        .all(checkpointId ?? null, checkpointId ?? null)
        .map(toEvaluation);
    },
    /** The evaluation an eval run's trajectories belong to (its config names the run). */
    evaluationOfRun(runId: number): EvaluationRow | undefined {
      const r = db
        .prepare<[number], RawEvaluation>(
          "SELECT * FROM evaluations WHERE json_extract(config, '$.runId') = ? ORDER BY id DESC LIMIT 1",
        )
        .get(runId);
      return r ? toEvaluation(r) : undefined;
    },
    checkpointAt(path: string): { id: number; step: number; path: string } | undefined {
      return db
        .prepare<[string], { id: number; step: number; path: string }>(
          'SELECT id, step, path FROM checkpoints WHERE path = ? ORDER BY id DESC LIMIT 1',
        )
        .get(path);
    },
    latestCheckpoint(): { id: number; step: number; path: string } | undefined {
      return db
        .prepare<[], { id: number; step: number; path: string }>(
          'SELECT id, step, path FROM checkpoints ORDER BY id DESC LIMIT 1',
        )
        .get();
    },
    /** Every checkpoint, newest first (pre-trained ones may belong to no run). */
    allCheckpoints(): { id: number; runId: number | null; step: number; path: string }[] {
      return db
        .prepare<[], { id: number; runId: number | null; step: number; path: string }>(
          'SELECT id, run_id AS runId, step, path FROM checkpoints ORDER BY id DESC',
        )
        .all();
    },
    deleteCheckpoint(id: number): void {
      db.prepare('DELETE FROM checkpoints WHERE id = ?').run(id);
    },
    checkpoint(id: number): { id: number; runId: number | null; step: number; path: string } | undefined {
      return db
        .prepare<[number], { id: number; runId: number | null; step: number; path: string }>(
          'SELECT id, run_id AS runId, step, path FROM checkpoints WHERE id = ?',
        )
        .get(id);
    },
  };
}
export type RunsRepository = ReturnType<typeof createRunsRepository>;
