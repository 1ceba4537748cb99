// All SQL about the jobs table.
import type { Db } from '../database';
import type { Job, JobStatus } from '../../../shared/contract';

interface JobRow {
  id: number;
  kind: string;
  title: string;
  params: string;
  status: JobStatus;
  done: number;
  total: number | null;
  message: string | null;
  error: string | null;
  result: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface UnfinishedJob {
  id: number;
  kind: string;
  title: string;
  status: JobStatus;
  ownerPid: number | null;
  ownerIdentity: string | null;
  params: Record<string, unknown>;
}

export interface StoredJob extends Job {
  params: Record<string, unknown>;
}

function estimateEta(row: JobRow, now: number): number | null {
  if (row.status !== 'running' || !row.started_at || !row.total || row.done <= 0) return null;
  const elapsed = (now - row.started_at) / 1000;
  return Math.max(0, (elapsed / row.done) * (row.total - row.done));
}

function toJob(row: JobRow, now = Date.now()): StoredJob {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    params: JSON.parse(row.params) as Record<string, unknown>,
    status: row.status,
    done: row.done,
    total: row.total,
    etaSeconds: estimateEta(row, now),
    message: row.message,
    error: row.error,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function createJobsRepository(db: Db) {
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const cancelFlag = db.prepare<[number], { cancel_requested: number }>(
    'SELECT cancel_requested FROM jobs WHERE id = ?',
  );
  return {
    insert(kind: string, title: string, params: unknown): StoredJob {
      const now = Date.now();
      const info = db
        .prepare(
          `INSERT INTO jobs (kind, title, params, status, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?)`,
        )
        .run(kind, title, JSON.stringify(params), now, now);
      return this.get(Number(info.lastInsertRowid))!;
    },
    get(id: number): StoredJob | undefined {
      const row = byId.get(id);
      return row ? toJob(row) : undefined;
    },
    list(limit: number, status?: JobStatus): StoredJob[] {
      const rows = status
        ? db
            .prepare<[string, number], JobRow>('SELECT * FROM jobs WHERE status = ? ORDER BY id DESC LIMIT ?')
            .all(status, limit)
        : db.prepare<[number], JobRow>('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit);
      const now = Date.now();
      return rows.map((r) => toJob(r, now));
    },
    /** The job runs in process `ownerPid` from now (`ownerIdentity`: platform/process-alive.ts). */
    markRunning(id: number, ownerPid: number, ownerIdentity: string | null = null): void {
      const now = Date.now();
      db.prepare(
        `UPDATE jobs SET status = 'running', started_at = ?, updated_at = ?, owner_pid = ?, owner_identity = ? WHERE id = ?`,
      ).run(now, now, ownerPid, ownerIdentity, id);
    },
    progress(id: number, done: number, total: number | null, message: string | null): void {
      db.prepare('UPDATE jobs SET done = ?, total = ?, message = ?, updated_at = ? WHERE id = ?').run(
        done,
        total,
        message,
        Date.now(),
        id,
      );
    },
    finish(
      id: number,
      status: Exclude<JobStatus, 'queued' | 'running'>,
      fields: { error?: string; result?: unknown; message?: string },
    ): void {
      const now = Date.now();
      db.prepare(
        `UPDATE jobs SET status = ?, error = ?, result = ?, message = coalesce(?, message), finished_at = ?, updated_at = ? WHERE id = ?`,
      ).run(
        status,
        fields.error ?? null,
        fields.result === undefined ? null : JSON.stringify(fields.result),
        fields.message ?? null,
        now,
        now,
        id,
      );
    },
    /** Asks the job's process to stop at its next safe point. */
    requestCancel(id: number): void {
      db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ?').run(id);
    },
    cancelRequested(id: number): boolean {
      return cancelFlag.get(id)?.cancel_requested === 1;
    },
    /** Jobs that have not ended, with the process running each (null while queued). */
    unfinished(): UnfinishedJob[] {
      return db
        .prepare<
          [],
          {
            id: number;
            kind: string;
            title: string;
            status: JobStatus;
            owner_pid: number | null;
            owner_identity: string | null;
            params: string;
          }
        >(
          `SELECT id, kind, title, status, owner_pid, owner_identity, params FROM jobs
           WHERE status IN ('queued', 'running') ORDER BY id`,
        )
        .all()
        .map((r) => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          status: r.status,
          ownerPid: r.owner_pid,
          ownerIdentity: r.owner_identity,
          params: JSON.parse(r.params) as Record<string, unknown>,
        }));
    },
    /** Jobs that can no longer end on their own (their engine or their process is gone); committed work is kept. */
    markInterrupted(ids: readonly number[], cause: string): number {
      const now = Date.now();
      const mark = db.prepare(
        `UPDATE jobs SET status = 'interrupted', finished_at = ?, updated_at = ?,
           error = ? || ' while this job was ' || status || '; work it committed before then is kept.'
         WHERE id = ? AND status IN ('queued', 'running')`,
      );
      return db.transaction(() => ids.reduce((n, id) => n + mark.run(now, now, cause, id).changes, 0))();
    },
  };
}
export type JobsRepository = ReturnType<typeof createJobsRepository>;
