// Re-scoring a run's stored trajectories under an edited reward spec: the facts each reward reads are rebuilt
// from what was recorded (the turns' parsed actions, the sample's answers and label, the step), the reward is
// recomputed, and GRPO advantages are recomputed per group exactly as training does. What the editor shows:
// the reward histogram before and after, and the trajectories whose advantage changes sign.
import { compileReward, type CompiledReward } from '../reward/spec';
import { groupAdvantages } from '../grpo/advantages';
import type { Action, ParsedTurn } from '../protocol/actions';
import type { RescoreRow, RescoreTurn, RescoredRow } from '../../storage/repositories/rescore';
import type { Store } from '../../storage';
import type { RescoreResult, RewardSpecInput } from '../../../shared/contract';
import { maxOf, minOf } from '../../platform/arrays';

/** A trajectory's reward and advantage as recorded at training, and under the edited spec. */
export type RescoredTrajectory = RescoredRow;

export interface Histogram {
  edges: number[];
  before: number[];
  after: number[];
}

function toAction(t: RescoreTurn): Action {
  switch (t.action) {
    case 'answer':
      return { kind: 'answer', answer: t.actionArg ?? '' };
    case 'image_search':
      return { kind: 'image_search' };
    case 'text_search':
      return { kind: 'text_search', query: t.actionArg ?? '' };
    default:
      return { kind: 'invalid', reason: t.actionArg ?? 'invalid' };
  }
}

const toParsed = (t: RescoreTurn): ParsedTurn => ({
  action: toAction(t),
  reasoning: t.reasoning ?? '',
  wellFormed: t.wellFormed,
});

const CHUNK = 2000;

/** The spec as edited has no version yet: it compiles as version 1 (the version changes nothing it computes). */
export const compileEdited = (spec: RewardSpecInput) => compileReward({ ...spec, version: 1 });

/**
 * Re-scores every stored trajectory of a run under a spec and stores the result (one transaction: a re-scoring is
 * kept whole or not at all); returns its id. Throws on a spec that does not compile.
 */
export async function rescoreRun(
  store: Store,
  runId: number,
  spec: RewardSpecInput,
  progress: (done: number, total: number, message: string) => void = () => {},
): Promise<{ rescoreId: number; items: RescoredTrajectory[] }> {
  if (!store.repos.runs.get(runId)) throw new Error(`No run with id ${runId}`);
  const rows = store.repos.rescore.rows(runId);
  progress(0, rows.length, `Re-scoring ${rows.length} trajectories`);
  let items: RescoredTrajectory[];
  try {
    items = await rescoreRows(rows, compileEdited(spec));
  } catch (error) {
    throw new Error(`Reward spec: ${(error as Error).message}`);
  }
  progress(rows.length, rows.length, 'Storing the re-scored rewards');
  const rescoreId = store.db.transaction(() => store.repos.rescore.storeRescore(runId, spec, items))();
  return { rescoreId, items };
}

/** What the editor shows of a re-scoring: how many rewards change, the histograms, the sign flips and the pinned trajectories. */
export function summarizeRescore(
  items: readonly RescoredTrajectory[],
  options: { pinned: readonly number[]; bins: number; limit: number },
): RescoreResult {
  const flips = signFlips(items);
  const pins = new Set(options.pinned);
  return {
    count: items.length,
    changedRewards: items.filter((t) => t.before.total === null || Math.abs(t.before.total - t.after.total) > 1e-9)
      .length,
    histogram: histogram(items, options.bins),
    signFlips: flips.slice(0, options.limit),
    signFlipCount: flips.length,
    pinned: items.filter((t) => pins.has(t.id)),
  };
}

/** Scores in chunks, yielding between them, so a 100,000-trajectory run does not stall the engine's other calls. */
export async function rescoreRows(rows: readonly RescoreRow[], reward: CompiledReward): Promise<RescoredTrajectory[]> {
  const scored: { row: RescoreRow; breakdown: ReturnType<CompiledReward['score']> }[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    for (const r of rows.slice(i, i + CHUNK)) {
      let breakdown: ReturnType<CompiledReward['score']>;
      try {
        breakdown = reward.score({
          turns: r.turns.map(toParsed),
          generatedTokens: r.generatedTokens,
          groundTruth: r.answer ?? '',
          candidateAnswers: r.candidateAnswers,
          need: r.need,
          step: r.step,
        });
      } catch (error) {
        throw new Error(
          `trajectory ${r.id} (step ${r.step}, group ${r.groupIndex}, sample ${r.sampleIndex}): ${(error as Error).message}`,
        );
      }
      scored.push({ row: r, breakdown });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Groups are consecutive (rows come in step/group/sample order).
  const out: RescoredTrajectory[] = [];
  for (let start = 0; start < scored.length;) {
    let end = start + 1;
    while (
      end < scored.length &&
      scored[end].row.step === scored[start].row.step &&
      scored[end].row.groupIndex === scored[start].row.groupIndex
    )
      end++;
    const group = scored.slice(start, end);
    const { advantages } = groupAdvantages(group.map((g) => g.breakdown.total));
    group.forEach(({ row, breakdown }, i) =>
      out.push({
        id: row.id,
        step: row.step,
        groupIndex: row.groupIndex,
        sampleIndex: row.sampleIndex,
        before: { total: row.total, advantage: row.advantage },
        after: {
          total: breakdown.total,
          advantage: advantages[i],
          score: breakdown.score,
          format: breakdown.format,
          penalty: breakdown.penalty,
        },
      }),
    );
    start = end;
  }
  return out;
}

/** One set of bins over both distributions, so before and after compare bar by bar. */
export function histogram(items: readonly RescoredTrajectory[], bins: number): Histogram {
  const values = items.flatMap((t) => (t.before.total === null ? [t.after.total] : [t.after.total, t.before.total]));
  const lo = minOf(values, 0);
  let hi = maxOf(values, 1);
  if (hi - lo < 1e-9) hi = lo + 1;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const bin = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
  const before = new Array<number>(bins).fill(0);
  const after = new Array<number>(bins).fill(0);
  for (const t of items) {
    if (t.before.total !== null) before[bin(t.before.total)]++;
    after[bin(t.after.total)]++;
  }
  return { edges, before, after };
}

const sign = (v: number | null) => (v === null ? 0 : v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0);

/** Trajectories whose advantage changes sign (a push becomes a pull or vanishes, or the reverse). */
export function signFlips(items: readonly RescoredTrajectory[]): RescoredTrajectory[] {
  return items.filter((t) => sign(t.before.advantage) !== sign(t.after.advantage));
}

export { compileReward };
