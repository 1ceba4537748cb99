// A stored trajectory as what a replay or a probability query needs: its sample (with the image's bytes), turns and
// tokens, the policy that generated it, and the settings its run rolled out with — limits, prompt templates, reward
// spec, search engine and corpus — read from the run's config (a GRPO run's, or what an evaluation recorded), else
// from what the trajectory's own tool calls and reward row say.
import type { Store } from '../../storage';
import { DEFAULT_LIMITS, type RolloutLimits } from '../protocol/limits';
import { DEFAULT_TEMPLATES, type PromptTemplates } from '../protocol/templates';
import { DEFAULT_REWARD_SPEC, RewardSpec } from '../reward/spec';
import { RunConfig } from '../train/config';
import { readTemplates } from '../train/state';
import { storedImage } from '../rollout/search-tools';
import type { RolloutSample } from '../rollout/types';
import type { SearchEngineKind } from '../../../shared/contract';

type Detail = NonNullable<ReturnType<Store['repos']['trajectoryViews']['detail']>>;

export interface StoredRollout {
  id: number;
  runId: number;
  step: number;
  sample: RolloutSample;
  turns: Detail['turns'];
  tokens: Detail['tokens'];
  /** The checkpoint that generated it, when it is known and kept. */
  checkpoint: { id: number; path: string } | null;
  /** Where that one is not kept (a GRPO step between checkpoints): the closest kept before it. */
  nearestCheckpoint: { id: number; path: string } | null;
  limits: RolloutLimits;
  templates: PromptTemplates;
  reward: RewardSpec;
  /** The search the rollout was made with, and what of its results the model was shown. */
  search: { engine: SearchEngineKind; corpus: string | null; thumbnails: boolean; links: boolean };
}

export function checkpointLabel(store: Store, id: number): string {
  const c = store.repos.runs.checkpoint(id);
  const run = c?.runId ? store.repos.runs.get(c.runId) : undefined;
  return c ? `checkpoint ${id}${run ? ` · ${run.name}` : ''} · step ${c.step}` : `checkpoint ${id}`;
}

/** The checkpoint to run a stored rollout with: the one asked for, else the one that generated it (or the closest kept). */
export function checkpointFor(
  store: Store,
  stored: StoredRollout,
  requested: number | undefined,
): { id: number; path: string } {
  const id = requested ?? stored.checkpoint?.id ?? stored.nearestCheckpoint?.id;
  if (id === undefined)
    throw new Error(`Trajectory ${stored.id}: the checkpoint that generated it is unknown; choose one`);
  const checkpoint = store.repos.runs.checkpoint(id);
  if (!checkpoint) throw new Error(`No checkpoint with id ${id}`);
  return { id, path: checkpoint.path };
}

export function loadStoredRollout(store: Store, id: number): StoredRollout {
  const views = store.repos.trajectoryViews;
  const summary = views.summary(id);
  const detail = views.detail(id);
  if (!summary || !detail) throw new Error(`No trajectory with id ${id}`);
  if (!detail.sample) throw new Error(`Trajectory ${id} has no stored sample to replay`);
  if (!detail.sample.imageSha256) throw new Error(`Trajectory ${id}'s sample has no image`);
  const run = store.repos.runs.get(summary.runId)!;
  const grpo = RunConfig.safeParse(run.config);
  // An evaluation run records its limits, templates and reward beside the policy it evaluated.
  const recorded = (grpo.success ? {} : (run.config ?? {})) as {
    limits?: RolloutLimits;
    templates?: PromptTemplates;
    reward?: unknown;
    search?: { engine: SearchEngineKind; corpus: string | null; thumbnails?: boolean; links?: boolean };
  };
  const { checkpoint, nearestCheckpoint } = grpo.success
    ? grpoPolicyOf(store, summary.runId, summary.step, grpo.data.model)
    : evaluatedPolicy(store, detail.checkpointPath);

  const limits: RolloutLimits = grpo.success ? { ...grpo.data.rollout } : { ...DEFAULT_LIMITS, ...recorded.limits };
  const templates = grpo.success
    ? grpo.data.rollout.templates
    : (recorded.templates ?? (checkpoint ? readTemplates(checkpoint.path) : DEFAULT_TEMPLATES));
  const storedSpec = detail.reward?.specId
    ? store.repos.rescore.specs().find((s) => s.id === detail.reward!.specId)
    : undefined;
  const reward = grpo.success
    ? grpo.data.reward
    : (RewardSpec.safeParse(recorded.reward).data ?? (storedSpec ? RewardSpec.parse(storedSpec) : DEFAULT_REWARD_SPEC));

  return {
    id,
    runId: summary.runId,
    step: summary.step,
    sample: {
      sampleId: detail.sample.id,
      question: detail.sample.question,
      image: storedImage(store, detail.sample.imageSha256),
      // Its public URL, when it has one: a replayed image search then reaches Lens by URL, as the run's did.
      imageUrl: store.repos.samples.get(detail.sample.id)?.imageUrl ?? null,
      groundTruth: detail.sample.answer,
      candidateAnswers: detail.sample.candidateAnswers,
      need: detail.sample.need,
    },
    turns: detail.turns,
    tokens: detail.tokens,
    checkpoint,
    nearestCheckpoint,
    limits,
    templates,
    reward,
    // Evaluations recorded before thumbnails and links were recorded showed both (the tools' default then).
    search: grpo.success
      ? {
          engine: grpo.data.search.engine,
          corpus: grpo.data.search.corpus,
          thumbnails: grpo.data.search.thumbnails,
          links: grpo.data.search.links,
        }
      : { thumbnails: true, links: true, ...(recorded.search ?? searchOfToolCalls(store, summary.runId)) },
  };
}

type Kept = { id: number; path: string } | null;

/**
 * A GRPO step's rollouts were sampled by the policy as it was after the step before (the step's own checkpoint is
 * the policy after its update): the run's starting checkpoint for step 1, the checkpoint of step − 1 where one was
 * kept. Otherwise the closest kept before it.
 */
function grpoPolicyOf(
  store: Store,
  runId: number,
  step: number,
  model: RunConfig['model'],
): { checkpoint: Kept; nearestCheckpoint: Kept } {
  const start = 'checkpoint' in model ? (store.repos.runs.checkpoint(model.checkpoint) ?? null) : null;
  const earlier = store.repos.runs.checkpoints(runId).filter((c) => c.step < step);
  const exact = step === 1 ? start : (earlier.find((c) => c.step === step - 1) ?? null);
  const nearest = exact ?? earlier.at(-1) ?? start;
  const kept = (c: typeof nearest) => (c ? { id: c.id, path: c.path } : null);
  return { checkpoint: kept(exact), nearestCheckpoint: kept(nearest) };
}

/** An evaluation's rollouts were made by the checkpoint it evaluated, when it names one. */
function evaluatedPolicy(store: Store, path: string | null): { checkpoint: Kept; nearestCheckpoint: Kept } {
  const found = path ? store.repos.runs.checkpointAt(path) : undefined;
  const checkpoint = found ? { id: found.id, path: found.path } : null;
  return { checkpoint, nearestCheckpoint: checkpoint };
}

/** The engine and corpus a run's searches used, from the cache entry of one of its tool calls. */
function searchOfToolCalls(store: Store, runId: number): { engine: SearchEngineKind; corpus: string | null } {
  const key = store.repos.trajectories.anyToolCacheKey(runId);
  const entry = key ? store.repos.searchCache.get(key) : undefined;
  if (!entry) return { engine: 'local', corpus: null };
  const corpus = entry.params.corpus;
  return { engine: entry.engine, corpus: typeof corpus === 'string' && corpus !== '*' ? corpus : null };
}
