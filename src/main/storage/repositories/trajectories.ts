// All SQL about trajectories, their turns, their rewards and reward specs.
import type { Db } from '../database';

export interface TurnInput {
  index: number;
  promptText: string;
  responseText: string;
  tokenIds: readonly number[];
  logprobs: readonly number[];
  action: string;
  actionArg: string | null;
  reasoning: string;
  wellFormed: boolean;
  finish: string;
  toolCacheKey: string | null;
  toolResult: unknown;
  latencyMs: number | null;
}

export interface TrajectoryInput {
  runId: number;
  step: number;
  groupIndex: number;
  sampleIndex: number;
  sampleId: number | null;
  checkpointId: number | null;
  evaluationId: number | null;
  endReason: string;
  finalAnswer: string | null;
  generatedTokens: number;
  imageSearches: number;
  textSearches: number;
  ids: readonly number[];
  lossMask: readonly number[];
  logprobs: readonly number[];
  turns: readonly TurnInput[];
  reward: { specId: number; total: number; parts: unknown; advantage: number | null } | null;
  /** Why the reward spec could not score it (it then has no reward). */
  rewardError?: string | null;
  /** What an imported rollout's cluster said about it, kept for when it matched no dataset sample. */
  reference?: TrajectoryReference | null;
}

export interface TrajectoryReference {
  question: string | null;
  groundTruth: string | null;
  candidateAnswers: readonly string[];
  need: string | null;
  /** The image's address or name as the cluster logged it. */
  imageName: string | null;
}

const blob = (array: Int32Array | Uint8Array | Float32Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength);

export function createTrajectoriesRepository(db: Db) {
  const insertTrajectory = db.prepare(`INSERT INTO trajectories
    (run_id, step, group_index, sample_index, sample_id, checkpoint_id, evaluation_id, status, end_reason, final_answer,
     generated_tokens, image_searches, text_searches, ids, loss_mask, logprobs, reward_error, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertTurn = db.prepare(`INSERT INTO turns
    (trajectory_id, turn_index, prompt_text, response_text, token_ids, logprobs, action, action_arg, reasoning, well_formed, finish,
     tool_cache_key, tool_result, latency_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertReference = db.prepare(`INSERT INTO trajectory_references
    (trajectory_id, question, ground_truth, candidate_answers, search_need, image_name) VALUES (?, ?, ?, ?, ?, ?)`);
  const insertReward = db.prepare(
    `INSERT OR REPLACE INTO rewards (trajectory_id, reward_spec_id, total, parts, advantage, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );

  const deleteRewardFailures = db.prepare(
    'DELETE FROM trajectories WHERE run_id = ? AND step = ? AND reward_error IS NOT NULL',
  );

  return {
    /** Stores one trajectory with its turns and reward; call inside the step's transaction. */
    insert(t: TrajectoryInput): number {
      const now = Date.now();
      const id = Number(
        insertTrajectory.run(
          t.runId,
          t.step,
          t.groupIndex,
          t.sampleIndex,
          t.sampleId,
          t.checkpointId,
          t.evaluationId,
          t.endReason === 'answered' ? 'answered' : 'ended',
          t.endReason,
          t.finalAnswer,
          t.generatedTokens,
          t.imageSearches,
          t.textSearches,
          blob(Int32Array.from(t.ids)),
          blob(Uint8Array.from(t.lossMask)),
          blob(Float32Array.from(t.logprobs)),
          t.rewardError ?? null,
          now,
        ).lastInsertRowid,
      );
      for (const turn of t.turns) {
        insertTurn.run(
          id,
          turn.index,
          turn.promptText,
          turn.responseText,
          blob(Int32Array.from(turn.tokenIds)),
          blob(Float32Array.from(turn.logprobs)),
          turn.action,
          turn.actionArg,
          turn.reasoning,
          turn.wellFormed ? 1 : 0,
          turn.finish,
          turn.toolCacheKey,
          turn.toolResult === null ? null : JSON.stringify(turn.toolResult),
          turn.latencyMs,
        );
      }
      if (t.reference) {
        const r = t.reference;
        insertReference.run(id, r.question, r.groundTruth, JSON.stringify(r.candidateAnswers), r.need, r.imageName);
      }
      if (t.reward)
        insertReward.run(id, t.reward.specId, t.reward.total, JSON.stringify(t.reward.parts), t.reward.advantage, now);
      return id;
    },
    putReward(trajectoryId: number, specId: number, total: number, parts: unknown, advantage: number | null): void {
      insertReward.run(trajectoryId, specId, total, JSON.stringify(parts), advantage, Date.now());
    },
    /** Removes a step's trajectories kept from an attempt whose reward spec failed (the step is being committed). */
    deleteRewardFailures(runId: number, step: number): void {
      deleteRewardFailures.run(runId, step);
    },
    countForRun(runId: number): number {
      return (db.prepare('SELECT count(*) AS n FROM trajectories WHERE run_id = ?').get(runId) as { n: number }).n;
    },
    countForStep(runId: number, step: number): number {
      return (
        db.prepare('SELECT count(*) AS n FROM trajectories WHERE run_id = ? AND step = ?').get(runId, step) as {
          n: number;
        }
      ).n;
    },
    /** The search cache key of one of a run's tool calls (which engine and corpus it searched), if it made any. */
    anyToolCacheKey(runId: number): string | null {
      const row = db
        .prepare<[number], { key: string }>(
          `SELECT u.tool_cache_key AS key FROM turns u JOIN trajectories t ON t.id = u.trajectory_id
           WHERE t.run_id = ? AND u.tool_cache_key IS NOT NULL LIMIT 1`,
        )
        .get(runId);
      return row?.key ?? null;
    },
    /** A dataset's samples that a rollout can use (they have an image), with the label that says what they need. */
    trainingRows(
      datasetId: number,
      split: string | null,
    ): {
      id: number;
      question: string;
      answer: string;
      candidateAnswers: string[];
      imageSha256: string;
      imageUrl: string | null;
      need: string | null;
      dataSource: string | null;
    }[] {
      const rows = db
        .prepare<
          [number, string | null, string | null],
          {
            id: number;
            question: string;
            answer: string;
            candidate_answers: string;
            image_sha256: string;
            image_url: string | null;
            need: string | null;
            data_source: string | null;
          }
        >(
          `SELECT s.id, s.question, s.answer, s.candidate_answers, s.image_sha256, s.image_url, s.data_source,
                  coalesce(s.search_need, (SELECT l.label FROM labels l WHERE l.sample_id = s.id ORDER BY l.created_at DESC LIMIT 1)) AS need
           FROM samples s WHERE s.dataset_id = ? AND s.image_sha256 IS NOT NULL AND (? IS NULL OR s.split = ?) ORDER BY s.row_index`,
        )
        .all(datasetId, split, split);
      return rows.map((r) => ({
        id: r.id,
        question: r.question,
        answer: r.answer,
        candidateAnswers: JSON.parse(r.candidate_answers) as string[],
        imageSha256: r.image_sha256,
        imageUrl: r.image_url,
        need: r.need,
        dataSource: r.data_source,
      }));
    },
    /** Reward specs are stored once per (name, version); returns the id. */
    ensureSpec(spec: { name: string; version: number; expression: string; constants: Record<string, number> }): number {
      const found = db
        .prepare<[string, number], { id: number; expression: string; constants: string }>(
          'SELECT id, expression, constants FROM reward_specs WHERE name = ? AND version = ?',
        )
        .get(spec.name, spec.version);
      if (found) {
        if (found.expression !== spec.expression || found.constants !== JSON.stringify(spec.constants)) {
          throw new Error(
            `Reward spec ${spec.name} v${spec.version} already exists with a different expression or constants; save the edit as a new version`,
          );
        }
        return found.id;
      }
      return Number(
        db
          .prepare('INSERT INTO reward_specs (name, version, expression, constants, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(spec.name, spec.version, spec.expression, JSON.stringify(spec.constants), Date.now()).lastInsertRowid,
      );
    },
  };
}
export type TrajectoriesRepository = ReturnType<typeof createTrajectoriesRepository>;
