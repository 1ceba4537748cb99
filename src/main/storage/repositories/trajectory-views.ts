// Read-only SQL for the trajectory debugger: a run's rollouts paged and filtered, one trajectory in full, one
// GRPO group. The reward shown is the one recorded at training (the first reward row of a trajectory); re-scored
// rewards under other specs live beside it and are read by spec id.
import type { Db } from '../database';

export interface TrajectoryFilterInput {
  runId: number;
  step?: number;
  groupIndex?: number;
  zeroVariance?: boolean;
  searched?: boolean;
  correct?: boolean;
  /** The sample's search-need label ('unknown' when it has none). */
  need?: string;
  /** What the policy did: none, image, text or both. */
  behaviour?: string;
}

export interface TrajectorySummaryRow {
  id: number;
  runId: number;
  step: number;
  groupIndex: number;
  sampleIndex: number;
  sampleId: number | null;
  question: string | null;
  need: string | null;
  endReason: string | null;
  finalAnswer: string | null;
  turns: number;
  imageSearches: number;
  textSearches: number;
  generatedTokens: number;
  total: number | null;
  score: number | null;
  format: number | null;
  advantage: number | null;
  zeroVariance: boolean;
}

interface RawSummary {
  id: number;
  run_id: number;
  step: number;
  group_index: number;
  sample_index: number;
  sample_id: number | null;
  question: string | null;
  need: string | null;
  end_reason: string | null;
  final_answer: string | null;
  turn_count: number;
  image_searches: number;
  text_searches: number;
  generated_tokens: number;
  total: number | null;
  score: number | null;
  format: number | null;
  advantage: number | null;
  zero_variance: number;
}

// Every trajectory of the run: a GRPO run's rollouts, or an evaluation run's answers (one per question, so
// groups of one). `spread` is a group's reward range: zero means every sample scored the same and the group
// gives no gradient.
const BASE = /* sql */ `
  WITH base AS (
    SELECT t.id, t.run_id, t.step, t.group_index, t.sample_index, t.sample_id, t.end_reason, t.final_answer,
           t.image_searches, t.text_searches, t.generated_tokens, r.total, r.advantage,
           json_extract(r.parts, '$.score') AS score, json_extract(r.parts, '$.format') AS format, s.question,
           coalesce(s.search_need, (SELECT l.label FROM labels l WHERE l.sample_id = s.id ORDER BY l.created_at DESC LIMIT 1), 'unknown') AS need,
           CASE WHEN t.image_searches > 0 AND t.text_searches > 0 THEN 'both' WHEN t.image_searches > 0 THEN 'image'
                WHEN t.text_searches > 0 THEN 'text' ELSE 'none' END AS behaviour
    FROM trajectories t
    LEFT JOIN rewards r ON r.id = (SELECT min(id) FROM rewards WHERE trajectory_id = t.id)
    LEFT JOIN samples s ON s.id = t.sample_id
    WHERE t.run_id = @runId AND (@step IS NULL OR t.step = @step)
  ),
  groups AS (
    SELECT step, group_index, max(total) - min(total) AS spread, count(*) AS n FROM base GROUP BY step, group_index
  )`;

const FILTERS = /* sql */ `
  (@groupIndex IS NULL OR b.group_index = @groupIndex)
  AND (@zeroVariance IS NULL OR (g.n > 1 AND g.spread IS NOT NULL AND g.spread < 1e-9) = @zeroVariance)
  AND (@searched IS NULL OR (b.image_searches + b.text_searches > 0) = @searched)
  AND (@correct IS NULL OR (coalesce(b.score, 0) > 0) = @correct)
  AND (@need IS NULL OR b.need = @need)
  AND (@behaviour IS NULL OR b.behaviour = @behaviour)`;

const bool = (v: boolean | undefined) => (v === undefined ? null : v ? 1 : 0);
const bind = (f: TrajectoryFilterInput) => ({
  runId: f.runId,
  step: f.step ?? null,
  groupIndex: f.groupIndex ?? null,
  zeroVariance: bool(f.zeroVariance),
  searched: bool(f.searched),
  correct: bool(f.correct),
  need: f.need ?? null,
  behaviour: f.behaviour ?? null,
});

const toSummary = (r: RawSummary): TrajectorySummaryRow => ({
  id: r.id,
  runId: r.run_id,
  step: r.step,
  groupIndex: r.group_index,
  sampleIndex: r.sample_index,
  sampleId: r.sample_id,
  question: r.question,
  need: r.need,
  endReason: r.end_reason,
  finalAnswer: r.final_answer,
  turns: r.turn_count,
  imageSearches: r.image_searches,
  textSearches: r.text_searches,
  generatedTokens: r.generated_tokens,
  total: r.total,
  score: r.score,
  format: r.format,
  advantage: r.advantage,
  zeroVariance: r.zero_variance === 1,
});

// SQLite hands BLOBs back as Buffers that need not be aligned for typed-array views: copy before viewing.
function decode<T extends Int32Array | Uint8Array | Float32Array>(buf: Buffer | null, Kind: { new (b: ArrayBuffer): T }): number[] {
  if (!buf || buf.byteLength === 0) return [];
  return Array.from(new Kind(Uint8Array.from(buf).buffer));
}

export function createTrajectoryViewsRepository(db: Db) {
  const page = db.prepare(`${BASE}
    SELECT b.*, (g.n > 1 AND g.spread IS NOT NULL AND g.spread < 1e-9) AS zero_variance,
           (SELECT count(*) FROM turns WHERE trajectory_id = b.id) AS turn_count
    FROM base b JOIN groups g ON g.step = b.step AND g.group_index = b.group_index
    WHERE ${FILTERS}
    ORDER BY b.step, b.group_index, b.sample_index
    LIMIT @limit OFFSET @offset`);
  const count = db.prepare(`${BASE}
    SELECT count(*) AS n FROM base b JOIN groups g ON g.step = b.step AND g.group_index = b.group_index WHERE ${FILTERS}`);
  const steps = db.prepare(`${BASE}
    SELECT b.step, count(*) AS trajectories, count(DISTINCT b.group_index) AS groups, avg(b.total) AS reward_mean,
           (SELECT count(*) FROM groups g WHERE g.step = b.step AND g.n > 1 AND g.spread IS NOT NULL AND g.spread < 1e-9) AS zero_variance_groups
    FROM base b GROUP BY b.step ORDER BY b.step`);

  const confusion = db.prepare(`${BASE}
    SELECT b.need, b.behaviour, count(*) AS n, sum(coalesce(b.score, 0) > 0) AS correct FROM base b GROUP BY b.need, b.behaviour`);

  return {
    /** Search-need label × what the policy did, with how many of each cell answered correctly. */
    confusion(runId: number, step: number | null): { need: string; behaviour: string; count: number; correct: number }[] {
      return (confusion.all({ runId, step }) as { need: string; behaviour: string; n: number; correct: number }[]).map((r) => ({ need: r.need, behaviour: r.behaviour, count: r.n, correct: r.correct }));
    },
    list(filter: TrajectoryFilterInput, offset: number, limit: number): { items: TrajectorySummaryRow[]; total: number } {
      const params = bind(filter);
      const items = (page.all({ ...params, offset, limit }) as RawSummary[]).map(toSummary);
      const total = (count.get(params) as { n: number }).n;
      return { items, total };
    },
    steps(runId: number): { step: number; trajectories: number; groups: number; zeroVarianceGroups: number; rewardMean: number | null }[] {
      const rows = steps.all({ runId, step: null }) as { step: number; trajectories: number; groups: number; reward_mean: number | null; zero_variance_groups: number }[];
      return rows.map((r) => ({ step: r.step, trajectories: r.trajectories, groups: r.groups, zeroVarianceGroups: r.zero_variance_groups, rewardMean: r.reward_mean }));
    },
    summary(id: number): TrajectorySummaryRow | null {
      const t = db.prepare<[number], { run_id: number; step: number; group_index: number }>('SELECT run_id, step, group_index FROM trajectories WHERE id = ?').get(id);
      if (!t) return null;
      return this.list({ runId: t.run_id, step: t.step, groupIndex: t.group_index }, 0, 10_000).items.find((x) => x.id === id) ?? null;
    },
    /** The reward rows, sample, turns and token arrays of one trajectory (null when there is none). */
    detail(id: number) {
      const t = db.prepare<[number], { sample_id: number | null; ids: Buffer | null; loss_mask: Buffer | null; logprobs: Buffer | null }>('SELECT sample_id, ids, loss_mask, logprobs FROM trajectories WHERE id = ?').get(id);
      if (!t) return null;
      const reward = db
        .prepare<[number], { reward_spec_id: number | null; total: number; parts: string; advantage: number | null }>('SELECT reward_spec_id, total, parts, advantage FROM rewards WHERE trajectory_id = ? ORDER BY id LIMIT 1')
        .get(id);
      const sample = t.sample_id === null ? undefined : db
        .prepare<[number], { id: number; question: string; answer: string; candidate_answers: string; image_sha256: string | null; need: string | null }>(
          `SELECT s.id, s.question, s.answer, s.candidate_answers, s.image_sha256,
                  coalesce(s.search_need, (SELECT l.label FROM labels l WHERE l.sample_id = s.id ORDER BY l.created_at DESC LIMIT 1)) AS need
           FROM samples s WHERE s.id = ?`,
        )
        .get(t.sample_id);
      const turns = db
        .prepare<[number], { turn_index: number; prompt_text: string | null; response_text: string; token_ids: Buffer | null; logprobs: Buffer | null; action: string | null; action_arg: string | null; reasoning: string | null; well_formed: number; finish: string | null; tool_cache_key: string | null; tool_result: string | null; latency_ms: number | null }>(
          'SELECT * FROM turns WHERE trajectory_id = ? ORDER BY turn_index',
        )
        .all(id);
      return {
        reward: reward ? { specId: reward.reward_spec_id, total: reward.total, parts: JSON.parse(reward.parts) as Record<string, unknown>, advantage: reward.advantage } : null,
        sample: sample ? { id: sample.id, question: sample.question, answer: sample.answer, candidateAnswers: JSON.parse(sample.candidate_answers) as string[], imageSha256: sample.image_sha256, need: sample.need } : null,
        turns: turns.map((r) => ({
          index: r.turn_index,
          promptText: r.prompt_text,
          responseText: r.response_text,
          reasoning: r.reasoning,
          action: r.action,
          actionArg: r.action_arg,
          wellFormed: r.well_formed === 1,
          finish: r.finish,
          latencyMs: r.latency_ms,
          toolCacheKey: r.tool_cache_key,
          toolResult: r.tool_result === null ? null : (JSON.parse(r.tool_result) as unknown),
          tokenIds: decode(r.token_ids, Int32Array),
          logprobs: decode(r.logprobs, Float32Array),
        })),
        tokens: { ids: decode(t.ids, Int32Array), lossMask: decode(t.loss_mask, Uint8Array), logprobs: decode(t.logprobs, Float32Array) },
      };
    },
  };
}
export type TrajectoryViewsRepository = ReturnType<typeof createTrajectoryViewsRepository>;
