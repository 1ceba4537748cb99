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
  /** At least one search of this kind. */
  searchKind?: 'image' | 'text';
  correct?: boolean;
  /** The sample's search-need label ('unknown' when it has none). */
  need?: string;
  /** The sample's data source ('unknown' when it has none). */
  dataSource?: string;
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
  rewardError: string | null;
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
  reward_error: string | null;
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
// groups of one). The reward shown is the first recorded one; a group is zero-variance when it has more than one
// sample and all their rewards are equal (no gradient). Queries join rewards and samples only when a filter
// needs them, and a page is found by ids first, so scrolling deep into 100,000 rows stays cheap.
const REWARD_ID = `(SELECT min(id) FROM rewards WHERE trajectory_id = t.id)`;
// An imported rollout without a labelled sample falls back to the label its cluster logged.
const CLUSTER = (column: string) => `(SELECT x.${column} FROM trajectory_references x WHERE x.trajectory_id = t.id)`;
const NEED = `coalesce(s.search_need, (SELECT l.label FROM labels l WHERE l.sample_id = s.id ORDER BY l.created_at DESC LIMIT 1),
  ${CLUSTER('search_need')}, 'unknown')`;
const BEHAVIOUR = `CASE WHEN t.image_searches > 0 AND t.text_searches > 0 THEN 'both' WHEN t.image_searches > 0 THEN 'image'
  WHEN t.text_searches > 0 THEN 'text' ELSE 'none' END`;
const ZERO_VARIANCE = `(SELECT count(*) > 1 AND max(r2.total) IS NOT NULL AND max(r2.total) - min(r2.total) < 1e-9
  FROM trajectories t2 LEFT JOIN rewards r2 ON r2.id = (SELECT min(id) FROM rewards WHERE trajectory_id = t2.id)
  WHERE t2.run_id = t.run_id AND t2.step = t.step AND t2.group_index = t.group_index)`;
const ORDER = 'ORDER BY t.step, t.group_index, t.sample_index';

const bool = (v: boolean) => (v ? 1 : 0);

/** The WHERE clause, the joins it needs and its parameters (only the ones it uses: better-sqlite3 wants exactly those). */
function where(f: TrajectoryFilterInput): { sql: string; joins: string; params: Record<string, unknown> } {
  const clauses = ['t.run_id = @runId'];
  const params: Record<string, unknown> = { runId: f.runId };
  let reward = false;
  let sample = false;
  if (f.step !== undefined) (clauses.push('t.step = @step'), (params.step = f.step));
  if (f.groupIndex !== undefined) (clauses.push('t.group_index = @groupIndex'), (params.groupIndex = f.groupIndex));
  if (f.searched !== undefined)
    (clauses.push('(t.image_searches + t.text_searches > 0) = @searched'), (params.searched = bool(f.searched)));
  if (f.searchKind !== undefined)
    clauses.push(f.searchKind === 'image' ? 't.image_searches > 0' : 't.text_searches > 0');
  if (f.behaviour !== undefined) (clauses.push(`${BEHAVIOUR} = @behaviour`), (params.behaviour = f.behaviour));
  if (f.correct !== undefined)
    (clauses.push(`(coalesce(json_extract(r.parts, '$.score'), 0) > 0) = @correct`),
      (params.correct = bool(f.correct)),
      (reward = true));
  if (f.need !== undefined) (clauses.push(`${NEED} = @need`), (params.need = f.need), (sample = true));
  if (f.dataSource !== undefined)
    (clauses.push(`coalesce(s.data_source, 'unknown') = @dataSource`),
      (params.dataSource = f.dataSource),
      (sample = true));
  if (f.zeroVariance !== undefined)
    (clauses.push(`${ZERO_VARIANCE} = @zeroVariance`), (params.zeroVariance = bool(f.zeroVariance)));
  const joins = `${reward ? `LEFT JOIN rewards r ON r.id = ${REWARD_ID}` : ''} ${sample ? 'LEFT JOIN samples s ON s.id = t.sample_id' : ''}`;
  return { sql: clauses.join(' AND '), joins, params };
}

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
  rewardError: r.reward_error,
});

// SQLite hands BLOBs back as Buffers that need not be aligned for typed-array views: copy before viewing.
function decode<T extends Int32Array | Uint8Array | Float32Array>(
  buf: Buffer | null,
  Kind: { new (b: ArrayBuffer): T },
): number[] {
  if (!buf || buf.byteLength === 0) return [];
  return Array.from(new Kind(Uint8Array.from(buf).buffer));
}

export function createTrajectoryViewsRepository(db: Db) {
  // Filters make a handful of distinct statements: prepare each once.
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  const rows = db.prepare(`
    SELECT t.id, t.run_id, t.step, t.group_index, t.sample_index, t.sample_id, t.end_reason, t.final_answer,
           t.reward_error, t.image_searches, t.text_searches, t.generated_tokens, r.total, r.advantage,
           json_extract(r.parts, '$.score') AS score, json_extract(r.parts, '$.format') AS format,
           coalesce(s.question, ${CLUSTER('question')}) AS question,
           ${NEED} AS need, ${ZERO_VARIANCE} AS zero_variance, (SELECT count(*) FROM turns WHERE trajectory_id = t.id) AS turn_count
    FROM trajectories t LEFT JOIN rewards r ON r.id = ${REWARD_ID} LEFT JOIN samples s ON s.id = t.sample_id
    WHERE t.id IN (SELECT value FROM json_each(?)) ${ORDER}`);
  const steps = db.prepare(`
    WITH g AS (
      SELECT t.step, t.group_index, count(*) AS n, count(r.total) AS rewarded, sum(r.total) AS sum_total, max(r.total) - min(r.total) AS spread
      FROM trajectories t LEFT JOIN rewards r ON r.id = ${REWARD_ID} WHERE t.run_id = ? GROUP BY t.step, t.group_index)
    SELECT step, sum(n) AS trajectories, count(*) AS groups, sum(sum_total) / nullif(sum(rewarded), 0) AS reward_mean,
           sum(n > 1 AND spread IS NOT NULL AND spread < 1e-9) AS zero_variance_groups
    FROM g GROUP BY step ORDER BY step`);
  const confusion = db.prepare(`
    SELECT ${NEED} AS need, ${BEHAVIOUR} AS behaviour, count(*) AS n, sum(coalesce(json_extract(r.parts, '$.score'), 0) > 0) AS correct
    FROM trajectories t LEFT JOIN rewards r ON r.id = ${REWARD_ID} LEFT JOIN samples s ON s.id = t.sample_id
    WHERE t.run_id = @runId AND (@step IS NULL OR t.step = @step) GROUP BY 1, 2`);

  return {
    /** Search-need label × what the policy did, with how many of each cell answered correctly. */
    confusion(
      runId: number,
      step: number | null,
    ): { need: string; behaviour: string; count: number; correct: number }[] {
      return (confusion.all({ runId, step }) as { need: string; behaviour: string; n: number; correct: number }[]).map(
        (r) => ({ need: r.need, behaviour: r.behaviour, count: r.n, correct: r.correct }),
      );
    },
    list(
      filter: TrajectoryFilterInput,
      offset: number,
      limit: number,
    ): { items: TrajectorySummaryRow[]; total: number } {
      const w = where(filter);
      const ids = (
        prepared(`SELECT t.id FROM trajectories t ${w.joins} WHERE ${w.sql} ${ORDER} LIMIT @limit OFFSET @offset`).all({
          ...w.params,
          limit,
          offset,
        }) as { id: number }[]
      ).map((r) => r.id);
      const items = ids.length ? (rows.all(JSON.stringify(ids)) as RawSummary[]).map(toSummary) : [];
      const total = (
        prepared(`SELECT count(*) AS n FROM trajectories t ${w.joins} WHERE ${w.sql}`).get(w.params) as { n: number }
      ).n;
      return { items, total };
    },
    /** Every trajectory of one sample across runs (checkpoints, evaluations), oldest run first. */
    bySample(sampleId: number, limit: number): TrajectorySummaryRow[] {
      const ids = db
        .prepare<[number, number], { id: number }>(
          'SELECT id FROM trajectories WHERE sample_id = ? ORDER BY run_id, step, group_index, sample_index LIMIT ?',
        )
        .all(sampleId, limit)
        .map((r) => r.id);
      const found = ids.length ? (rows.all(JSON.stringify(ids)) as RawSummary[]).map(toSummary) : [];
      return found.sort(
        (a, b) => a.runId - b.runId || a.step - b.step || a.groupIndex - b.groupIndex || a.sampleIndex - b.sampleIndex,
      );
    },
    steps(
      runId: number,
    ): { step: number; trajectories: number; groups: number; zeroVarianceGroups: number; rewardMean: number | null }[] {
      const found = steps.all(runId) as {
        step: number;
        trajectories: number;
        groups: number;
        reward_mean: number | null;
        zero_variance_groups: number;
      }[];
      return found.map((r) => ({
        step: r.step,
        trajectories: r.trajectories,
        groups: r.groups,
        zeroVarianceGroups: r.zero_variance_groups,
        rewardMean: r.reward_mean,
      }));
    },
    summary(id: number): TrajectorySummaryRow | null {
      const t = db
        .prepare<[number], { run_id: number; step: number; group_index: number }>(
          'SELECT run_id, step, group_index FROM trajectories WHERE id = ?',
        )
        .get(id);
      if (!t) return null;
      return (
        this.list({ runId: t.run_id, step: t.step, groupIndex: t.group_index }, 0, 10_000).items.find(
          (x) => x.id === id,
        ) ?? null
      );
    },
    /** The reward rows, sample, turns and token arrays of one trajectory (null when there is none). */
    detail(id: number) {
      const t = db
        .prepare<
          [number],
          {
            sample_id: number | null;
            checkpoint_id: number | null;
            run_config: string;
            ids: Buffer | null;
            loss_mask: Buffer | null;
            logprobs: Buffer | null;
          }
        >(
          `SELECT t.sample_id, t.checkpoint_id, r.config AS run_config, t.ids, t.loss_mask, t.logprobs
           FROM trajectories t JOIN runs r ON r.id = t.run_id WHERE t.id = ?`,
        )
        .get(id);
      if (!t) return null;
      const reward = db
        .prepare<[number], { reward_spec_id: number | null; total: number; parts: string; advantage: number | null }>(
          'SELECT reward_spec_id, total, parts, advantage FROM rewards WHERE trajectory_id = ? ORDER BY id LIMIT 1',
        )
        .get(id);
      const sample =
        t.sample_id === null
          ? undefined
          : db
              .prepare<
                [number],
                {
                  id: number;
                  question: string;
                  answer: string;
                  candidate_answers: string;
                  image_sha256: string | null;
                  need: string | null;
                }
              >(
                `SELECT s.id, s.question, s.answer, s.candidate_answers, s.image_sha256,
                  coalesce(s.search_need, (SELECT l.label FROM labels l WHERE l.sample_id = s.id ORDER BY l.created_at DESC LIMIT 1)) AS need
           FROM samples s WHERE s.id = ?`,
              )
              .get(t.sample_id);
      const reference = db
        .prepare<
          [number],
          {
            question: string | null;
            ground_truth: string | null;
            candidate_answers: string;
            search_need: string | null;
            image_name: string | null;
          }
        >('SELECT * FROM trajectory_references WHERE trajectory_id = ?')
        .get(id);
      const turns = db
        .prepare<
          [number],
          {
            turn_index: number;
            prompt_text: string | null;
            response_text: string;
            token_ids: Buffer | null;
            logprobs: Buffer | null;
            action: string | null;
            action_arg: string | null;
            reasoning: string | null;
            well_formed: number;
            finish: string | null;
            tool_cache_key: string | null;
            tool_result: string | null;
            latency_ms: number | null;
          }
        >('SELECT * FROM turns WHERE trajectory_id = ? ORDER BY turn_index')
        .all(id);
      // The policy that generated it: the trajectory's checkpoint, else the one its run started from.
      const checkpointId =
        t.checkpoint_id ??
        ((JSON.parse(t.run_config) as { model?: { checkpoint?: unknown } }).model?.checkpoint as number | undefined) ??
        null;
      const checkpoint =
        typeof checkpointId === 'number'
          ? db.prepare<[number], { path: string }>('SELECT path FROM checkpoints WHERE id = ?').get(checkpointId)
          : undefined;
      return {
        checkpointPath: checkpoint?.path ?? null,
        reward: reward
          ? {
              specId: reward.reward_spec_id,
              total: reward.total,
              parts: JSON.parse(reward.parts) as Record<string, unknown>,
              advantage: reward.advantage,
            }
          : null,
        sample: sample
          ? {
              id: sample.id,
              question: sample.question,
              answer: sample.answer,
              candidateAnswers: JSON.parse(sample.candidate_answers) as string[],
              imageSha256: sample.image_sha256,
              need: sample.need,
            }
          : null,
        /** What the cluster logged about an imported rollout (null for SearchLab's own). */
        reference: reference
          ? {
              question: reference.question,
              answer: reference.ground_truth,
              candidateAnswers: JSON.parse(reference.candidate_answers) as string[],
              need: reference.search_need,
              image: reference.image_name,
            }
          : null,
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
        tokens: {
          ids: decode(t.ids, Int32Array),
          lossMask: decode(t.loss_mask, Uint8Array),
          logprobs: decode(t.logprobs, Float32Array),
        },
      };
    },
  };
}
export type TrajectoryViewsRepository = ReturnType<typeof createTrajectoryViewsRepository>;
