// SQL for counterfactual replays: what was forced at which turn of which trajectory, with which checkpoint and
// search cache mode, and what came of it (kept as one JSON document the contract validates on the way out).
import type { Db } from '../database';

export interface ReplayInput {
  trajectoryId: number;
  turn: number;
  forced: string;
  checkpointId: number | null;
  cacheMode: string;
  temperature: number;
  seed: number;
  result: unknown;
}

export interface StoredReplay extends ReplayInput {
  id: number;
  createdAt: number;
}

interface Row {
  id: number;
  trajectory_id: number;
  turn_index: number;
  forced: string;
  checkpoint_id: number | null;
  cache_mode: string;
  temperature: number;
  seed: number;
  result: string;
  created_at: number;
}

const toReplay = (r: Row): StoredReplay => ({
  id: r.id,
  trajectoryId: r.trajectory_id,
  turn: r.turn_index,
  forced: r.forced,
  checkpointId: r.checkpoint_id,
  cacheMode: r.cache_mode,
  temperature: r.temperature,
  seed: r.seed,
  result: JSON.parse(r.result) as unknown,
  createdAt: r.created_at,
});

export function createReplaysRepository(db: Db) {
  return {
    insert(r: ReplayInput): number {
      return Number(
        db
          .prepare(
            `INSERT INTO replays
             (trajectory_id, turn_index, forced, checkpoint_id, cache_mode, temperature, seed, result, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            r.trajectoryId,
            r.turn,
            r.forced,
            r.checkpointId,
            r.cacheMode,
            r.temperature,
            r.seed,
            JSON.stringify(r.result),
            Date.now(),
          ).lastInsertRowid,
      );
    },
    get(id: number): StoredReplay | null {
      const row = db.prepare<[number], Row>('SELECT * FROM replays WHERE id = ?').get(id);
      return row ? toReplay(row) : null;
    },
    /** A trajectory's replays, newest first. */
    forTrajectory(trajectoryId: number, limit: number): StoredReplay[] {
      return db
        .prepare<[number, number], Row>('SELECT * FROM replays WHERE trajectory_id = ? ORDER BY id DESC LIMIT ?')
        .all(trajectoryId, limit)
        .map(toReplay);
    },
  };
}
export type ReplaysRepository = ReturnType<typeof createReplaysRepository>;
