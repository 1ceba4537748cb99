// Evaluation: accuracy and search behaviour per data source, for the trained policy and for the paper's two
// baselines run with the same model — direct answering (the answer is forced to start at once) and the RAG
// workflow that always searches (image search forced, then a text search whose query the model writes).
// Greedy decoding, one sample per question; every trajectory is stored with the evaluation record.
import type { Store } from '../../storage';
import type { PolicyModel } from '../../model';
import { compileTemplates, type PromptTemplates } from '../protocol/templates';
import { DEFAULT_LIMITS, type RolloutLimits } from '../protocol/limits';
import { compileReward, DEFAULT_REWARD_SPEC, type RewardSpec } from '../reward/spec';
import { runRollouts, type RolloutTools, type TurnPrefix } from '../rollout/engine';
import { throwIfSearchesStopped } from '../rollout/search-stop';
import type { RolloutSample, Trajectory } from '../rollout/types';
import { scoreTrajectory } from '../rollout/score';
import { storeTrajectory } from '../train/persist';

export type EvalPolicy = 'policy' | 'direct' | 'rag';

/** The reasoning text that opens each forced turn of the baselines (the action tags are the protocol's). */
export interface BaselineWording {
  direct: string;
  imageSearch: string;
  textSearch: string;
  answerAfterSearch: string;
}

export const DEFAULT_BASELINE_WORDING: BaselineWording = {
  direct: '<reason>I answer from what I know.</reason>',
  imageSearch: '<reason>I search with the image first.</reason>',
  textSearch: '<reason>Now I search for the facts.</reason>',
  answerAfterSearch: '<reason>I answer with what I found.</reason>',
};

/** The direct-answer baseline's forced turn: the model must answer from memory at once. */
export function directAnswerPrefix(
  wording: BaselineWording = DEFAULT_BASELINE_WORDING,
): (turn: number) => TurnPrefix | null {
  return (turn) => (turn === 0 ? { text: `${wording.direct}<answer>`, close: '</answer>' } : null);
}

function prefixes(which: EvalPolicy, w: BaselineWording): ((turn: number) => TurnPrefix | null) | undefined {
  if (which === 'direct') return directAnswerPrefix(w);
  if (which === 'rag')
    return (turn) =>
      turn === 0
        ? { text: `${w.imageSearch}<search><img></search>` }
        : turn === 1
          ? { text: `${w.textSearch}<text_search>`, close: '</text_search>' }
          : { text: `${w.answerAfterSearch}<answer>`, close: '</answer>' };
  return undefined;
}

/**
 * The limits each policy's rollouts run under, and those recorded with its evaluation. RAG searches once by image
 * and once by text, then answers. Direct answering has one turn: a search the model writes after its forced
 * `<answer>` (the parser takes the last action) ends the rollout instead of calling a tool; it is recorded with
 * the policy's limits, so that replaying a direct answer asks what the model would have done had it searched.
 */
function baselineLimits(which: EvalPolicy, limits: RolloutLimits): { rollout: RolloutLimits; recorded: RolloutLimits } {
  if (which === 'rag') {
    const rag = { ...limits, maxTurns: 3, maxImageSearches: 1, maxTextSearches: 1 };
    return { rollout: rag, recorded: rag };
  }
  if (which === 'direct') return { rollout: { ...limits, maxTurns: 1 }, recorded: limits };
  return { rollout: limits, recorded: limits };
}

export interface EvalSample extends RolloutSample {
  dataSource: string | null;
}

/** Accuracy and search behaviour of a set of answers (overall, or one data source or search-need label). */
export interface GroupMetrics {
  questions: number;
  accuracy: number;
  searchRatio: number;
  searchesPerQuestion: number;
}

export interface PolicyMetrics extends GroupMetrics {
  imageSearchRatio: number;
  textSearchRatio: number;
  /** Money the searches cost at the configured price per live call (cache hits cost nothing). */
  searchCost: number;
  /** Mean reward under the evaluation's spec. */
  rewardMean: number;
  bySource: Record<string, GroupMetrics>;
  /** By the sample's search-need label ('unknown' for unlabelled samples, as the debugger files them). */
  byNeed: Record<string, GroupMetrics>;
}

export interface EvalOptions {
  policies: EvalPolicy[];
  tools: RolloutTools;
  templates: PromptTemplates;
  limits?: RolloutLimits;
  reward?: RewardSpec;
  /** How the baselines' forced turns are worded (match the wording the model was trained on). */
  wording?: BaselineWording;
  batch?: number;
  /** Where to store the trajectories: an eval run and the dataset and checkpoint evaluated. */
  record?: {
    store: Store;
    name: string;
    datasetId: number | null;
    checkpointId: number | null;
    /** Told each stored evaluation's id, in the order the policies ran. */
    onStored?(evaluationId: number): void;
  };
  onProgress?(done: number, total: number, message: string): void;
  shouldStop?(): boolean;
}

function summarize(
  trajectories: readonly Trajectory[],
  correct: readonly number[],
  totals: readonly number[],
): PolicyMetrics {
  const searchesOf = (t: Trajectory) => t.turns.filter((turn) => turn.tool !== null).length;
  const group = (ts: readonly { t: Trajectory; ok: number }[]): GroupMetrics => ({
    questions: ts.length,
    accuracy: ts.length ? ts.reduce((a, x) => a + x.ok, 0) / ts.length : 0,
    searchRatio: ts.length ? ts.filter((x) => searchesOf(x.t) > 0).length / ts.length : 0,
    searchesPerQuestion: ts.length ? ts.reduce((a, x) => a + searchesOf(x.t), 0) / ts.length : 0,
  });
  const all = trajectories.map((t, i) => ({ t, ok: correct[i] }));
  const groupedBy = (key: (t: Trajectory) => string) => {
    const out: Record<string, GroupMetrics> = {};
    for (const value of new Set(trajectories.map(key))) out[value] = group(all.filter((x) => key(x.t) === value));
    return out;
  };
  const ran = (kind: 'image_search' | 'text_search') =>
    all.length
      ? all.filter((x) => x.t.turns.some((turn) => turn.action.kind === kind && turn.tool)).length / all.length
      : 0;
  return {
    ...group(all),
    imageSearchRatio: ran('image_search'),
    textSearchRatio: ran('text_search'),
    searchCost: trajectories.reduce((sum, t) => sum + t.turns.reduce((s, turn) => s + (turn.tool?.cost ?? 0), 0), 0),
    rewardMean: totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0,
    bySource: groupedBy((t) => (t.sample as EvalSample).dataSource ?? 'unknown'),
    byNeed: groupedBy((t) => t.sample.need ?? 'unknown'),
  };
}

/** Questions rolled out together by default. */
export const EVAL_BATCH = 16;

export async function evaluatePolicies(
  policy: PolicyModel,
  samples: readonly EvalSample[],
  options: EvalOptions,
): Promise<Record<EvalPolicy, PolicyMetrics>> {
  const templates = compileTemplates(options.templates);
  const spec = options.reward ?? DEFAULT_REWARD_SPEC;
  const reward = compileReward(spec);
  const batch = options.batch ?? EVAL_BATCH;
  const out = {} as Record<EvalPolicy, PolicyMetrics>;
  const total = samples.length * options.policies.length;
  let done = 0;
  for (const which of options.policies) {
    const { rollout: limits, recorded } = baselineLimits(which, options.limits ?? DEFAULT_LIMITS);
    const trajectories: Trajectory[] = [];
    for (let start = 0; start < samples.length; start += batch) {
      if (options.shouldStop?.()) throw new Error('Evaluation cancelled');
      const chunk = samples.slice(start, start + batch);
      const result = await runRollouts(policy, chunk, {
        groupSize: 1,
        templates,
        tools: options.tools,
        limits,
        sampling: { temperature: 0 },
        turnPrefix: prefixes(which, options.wording ?? DEFAULT_BASELINE_WORDING),
      });
      // Results after a refused key or spent quota would all be failed searches: the evaluation stops, unstored.
      throwIfSearchesStopped(options.tools, 'Evaluation stopped');
      result.forEach((t) => (t.groupIndex += start));
      trajectories.push(...result);
      done += chunk.length;
      options.onProgress?.(done, total, `${which}: ${start + chunk.length} of ${samples.length} questions`);
    }
    const rewards = trajectories.map((t) => scoreTrajectory(reward, t, 0));
    out[which] = summarize(
      trajectories,
      rewards.map((r) => r.score),
      rewards.map((r) => r.total),
    );
    if (options.record)
      storeEvaluation(
        options.record,
        which,
        { spec, limits: recorded, templates: options.templates, search: options.tools.settings ?? null },
        trajectories,
        rewards,
        out[which],
      );
  }
  return out;
}

function storeEvaluation(
  record: NonNullable<EvalOptions['record']>,
  which: EvalPolicy,
  settings: {
    spec: RewardSpec;
    limits: RolloutLimits;
    templates: PromptTemplates;
    search: RolloutTools['settings'] | null;
  },
  trajectories: readonly Trajectory[],
  rewards: ReturnType<typeof scoreTrajectory>[],
  metrics: PolicyMetrics,
): void {
  const { store } = record;
  const evaluationId = store.db.transaction(() => {
    // What the rollouts were made with, so the debugger can replay them (counterfactual replay).
    const { spec } = settings;
    const config = {
      policy: which,
      datasetId: record.datasetId,
      checkpointId: record.checkpointId,
      limits: settings.limits,
      templates: settings.templates,
      reward: spec,
      search: settings.search,
    };
    const run = store.repos.runs.insert(`${record.name} (${which})`, 'eval', config);
    const id = store.repos.runs.addEvaluation({
      name: record.name,
      checkpointId: record.checkpointId,
      datasetId: record.datasetId,
      policy: which,
      config: { runId: run.id },
      metrics,
    });
    const specId = store.repos.trajectories.ensureSpec(spec);
    trajectories.forEach((t, i) =>
      storeTrajectory(
        store,
        { runId: run.id, step: 0, checkpointId: record.checkpointId, evaluationId: id, specId },
        t,
        rewards[i],
        null,
      ),
    );
    store.repos.runs.setStatus(run.id, 'finished');
    return id;
  })();
  record.onStored?.(evaluationId);
}
