// SQL for the reward editor: everything needed to re-score a run's stored trajectories (their samples, turns'
// actions and recorded rewards), and the saved reward specs. An imported rollout that matched no sample is
// re-scored against what its cluster logged (trajectory_references).
import type { Db } from '../database';

export interface RescoreTurn {
  action: string | null;
  actionArg: string | null;
  reasoning: string | null;
  wellFormed: boolean;
}

export interface RescoreRow {
  id: number;
  step: number;
  groupIndex: number;
  sampleIndex: number;
  generatedTokens: number;
  answer: string | null;
  candidateAnswers: string[];
  need: string | null;
  total: number | null;
  advantage: number | null;
  turns: RescoreTurn[];
}

export interface SavedSpec {
  id: number;
  name: string;
  version: number;
  expression: string;
  constants: Record<string, number>;
  createdAt: number;
}

export interface StoredRescoreRow {
  id: number;
  runId: number;
  spec: unknown;
  status: string;
  count: number;
  createdAt: number;
}

export interface RescoredRow {
  id: number;
  step: number;
  groupIndex: number;
  sampleIndex: number;
  before: { total: number | null; advantage: number | null };
  after: { total: number; advantage: number; score: number; format: number; penalty: number };
}

const toStored = (r: {
  id: number;
  run_id: number;
  spec: string;
  status: string;
  count: number;
  created_at: number;
}): StoredRescoreRow => ({
  id: r.id,
  runId: r.run_id,
  spec: JSON.parse(r.spec) as unknown,
  status: r.status,
  count: r.count,
  createdAt: r.created_at,
});

export function createRescoreRepository(db: Db) {
  return {
    /** Stores a whole re-scoring at once (call inside a transaction): one row per trajectory, then the record. */
    storeRescore(runId: number, spec: unknown, items: readonly RescoredRow[]): number {
      const id = Number(
        db
          .prepare("INSERT INTO rescores (run_id, spec, status, count, created_at) VALUES (?, ?, 'finished', ?, ?)")
          .run(runId, JSON.stringify(spec), items.length, Date.now()).lastInsertRowid,
      );
      const insert = db.prepare(
        'INSERT INTO rescore_rewards (rescore_id, trajectory_id, total, score, format, penalty, advantage) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const t of items)
        insert.run(id, t.id, t.after.total, t.after.score, t.after.format, t.after.penalty, t.after.advantage);
      return id;
    },
    /** A run's re-scorings, newest first. */
    rescores(runId: number, limit: number): StoredRescoreRow[] {
      return db
        .prepare<
          [number, number],
          { id: number; run_id: number; spec: string; status: string; count: number; created_at: number }
        >('SELECT * FROM rescores WHERE run_id = ? ORDER BY id DESC LIMIT ?')
        .all(runId, limit)
        .map(toStored);
    },
    rescore(id: number): StoredRescoreRow | null {
      const row = db
        .prepare<
          [number],
          { id: number; run_id: number; spec: string; status: string; count: number; created_at: number }
        >('SELECT * FROM rescores WHERE id = ?')
        .get(id);
      return row ? toStored(row) : null;
    },
    /** A stored re-scoring beside the rewards training recorded, in step/group/sample order. */
    rescored(id: number): RescoredRow[] {
      return db
        .prepare<
          [number],
          {
            id: number;
            step: number;
            group_index: number;
            sample_index: number;
            before_total: number | null;
            before_advantage: number | null;
            total: number;
            score: number;
            format: number;
            penalty: number;
            advantage: number;
          }
        >(
          `SELECT t.id, t.step, t.group_index, t.sample_index, r.total AS before_total, r.advantage AS before_advantage,
                  x.total, x.score, x.format, x.penalty, x.advantage
           FROM rescore_rewards x JOIN trajectories t ON t.id = x.trajectory_id
           LEFT JOIN rewards r ON r.id = (SELECT min(id) FROM rewards WHERE trajectory_id = t.id)
           WHERE x.rescore_id = ? ORDER BY t.step, t.group_index, t.sample_index`,
        )
        .all(id)
        .map((r) => ({
          id: r.id,
          step: r.step,
          groupIndex: r.group_index,
          sampleIndex: r.sample_index,
          before: { total: r.before_total, advantage: r.before_advantage },
          after: { total: r.total, advantage: r.advantage, score: r.score, format: r.format, penalty: r.penalty },
        }));
    },
    /** Every trajectory of a run in step/group/sample order, with the reward recorded at training. */
    rows(runId: number): RescoreRow[] {
      const rows = db
        .prepare<
          [number],
          {
            id: number;
            step: number;
            group_index: number;
            sample_index: number;
            generated_tokens: number;
            answer: string | null;
            candidate_answers: string | null;
            need: string | null;
            total: number | null;
            advantage: number | null;
          }
        >(
          `SELECT t.id, t.step, t.group_index, t.sample_index, t.generated_tokens,
                  CASE WHEN s.id IS NULL THEN x.ground_truth ELSE s.answer END AS answer,
                  CASE WHEN s.id IS NULL THEN x.candidate_answers ELSE s.candidate_answers END AS candidate_answers,
                  coalesce(s.search_need, (SELECT l.label FROM labels l WHERE l.sample_id = s.id ORDER BY l.created_at DESC LIMIT 1),
                           x.search_need) AS need,
                  r.total, r.advantage
           FROM trajectories t
           LEFT JOIN samples s ON s.id = t.sample_id
           LEFT JOIN trajectory_references x ON x.trajectory_id = t.id
           LEFT JOIN rewards r ON r.id = (SELECT min(id) FROM rewards WHERE trajectory_id = t.id)
           WHERE t.run_id = ? ORDER BY t.step, t.group_index, t.sample_index`,
        )
        .all(runId);
      const byId = new Map<number, RescoreRow>();
      const out = rows.map((r) => {
        const row: RescoreRow = {
          id: r.id,
          step: r.step,
          groupIndex: r.group_index,
          sampleIndex: r.sample_index,
          generatedTokens: r.generated_tokens,
          answer: r.answer,
          candidateAnswers: r.candidate_answers ? (JSON.parse(r.candidate_answers) as string[]) : [],
          need: r.need,
          total: r.total,
          advantage: r.advantage,
          turns: [],
        };
        byId.set(r.id, row);
        return row;
      });
      const turns = db
        .prepare<
          [number],
          {
            trajectory_id: number;
            action: string | null;
            action_arg: string | null;
            reasoning: string | null;
            well_formed: number;
          }
        >(
          `SELECT u.trajectory_id, u.action, u.action_arg, u.reasoning, u.well_formed FROM turns u
           JOIN trajectories t ON t.id = u.trajectory_id WHERE t.run_id = ? ORDER BY u.trajectory_id, u.turn_index`,
        )
        .iterate(runId);
      for (const u of turns)
        byId.get(u.trajectory_id)?.turns.push({
          action: u.action,
          actionArg: u.action_arg,
          reasoning: u.reasoning,
          wellFormed: u.well_formed === 1,
        });
      return out;
    },
    specs(): SavedSpec[] {
      return db
        .prepare<
          [],
          { id: number; name: string; version: number; expression: string; constants: string; created_at: number }
        >('SELECT * FROM reward_specs ORDER BY name, version DESC')
        .all()
        .map((r) => ({
          id: r.id,
          name: r.name,
          version: r.version,
          expression: r.expression,
          constants: JSON.parse(r.constants) as Record<string, number>,
          createdAt: r.created_at,
        }));
    },
    nextVersion(name: string): number {
      return (
        ((db
          .prepare<[string], { v: number | null }>('SELECT max(version) AS v FROM reward_specs WHERE name = ?')
          .get(name)?.v ?? 0) as number) + 1
      );
    },
  };
}
export type RescoreRepository = ReturnType<typeof createRescoreRepository>;
