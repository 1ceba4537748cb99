// `searchlab eval`: a checkpoint on a dataset's split, with the baselines if asked, stored as evaluation records.
import type { Store } from '../../storage';
import { DEFAULT_LIMITS } from '../protocol/limits';
import { datasetSamples, searchRolloutTools } from '../rollout/search-tools';
import { readTemplates } from '../train/state';
import { checkpointPolicyModel, runConfigOfCheckpoint } from '../train/checkpoint-run';
import { EVAL_BATCH, evaluatePolicies, type EvalPolicy, type EvalSample, type PolicyMetrics } from './evaluate';

export interface EvalRequest {
  checkpointId: number;
  dataset: string;
  split: string | null;
  policies: EvalPolicy[];
  limit?: number;
  /** What the evaluation is called (default: "checkpoint N on DATASET"). */
  label?: string;
  /** The longest model turn, in tokens (default: the method's 2048). */
  maxTokensPerTurn?: number;
  progress?(done: number, total: number, message: string): void;
  /** Asked between batches of questions; true stops the evaluation (nothing of it is stored). */
  shouldStop?(): boolean;
  /** Told the ids of the evaluation records stored, one per policy in the order they ran. */
  stored?(evaluationIds: number[]): void;
}

export async function evaluateCheckpoint(
  store: Store,
  home: string,
  request: EvalRequest,
): Promise<Record<string, PolicyMetrics>> {
  const checkpoint = store.repos.runs.checkpoint(request.checkpointId);
  if (!checkpoint) throw new Error(`No checkpoint with id ${request.checkpointId}`);
  const dataset = store.repos.datasets.find(request.dataset);
  if (!dataset) throw new Error(`No dataset named "${request.dataset}"`);
  const samples: EvalSample[] = datasetSamples(store, dataset.id, request.split, request.limit);
  if (samples.length === 0)
    throw new Error(
      `Dataset "${request.dataset}" has no samples with an image${request.split ? ` in split "${request.split}"` : ''}`,
    );
  const name = `${request.label ?? `checkpoint ${checkpoint.id}`} on ${request.dataset}`;
  const limits = request.maxTokensPerTurn
    ? { ...DEFAULT_LIMITS, maxTokensPerTurn: request.maxTokensPerTurn }
    : undefined;
  const policy = checkpointPolicyModel(store, checkpoint, {
    run: { batch: EVAL_BATCH, length: (limits ?? DEFAULT_LIMITS).maxTotalTokens },
  });
  const stored: number[] = [];
  try {
    const figures = await evaluatePolicies(policy, samples, {
      policies: request.policies,
      limits,
      templates: readTemplates(checkpoint.path),
      tools: searchRolloutTools(store, home, shownByRun(store, checkpoint.id)),
      record: {
        store,
        name,
        datasetId: dataset.id,
        checkpointId: checkpoint.id,
        onStored: (id) => stored.push(id),
      },
      onProgress: request.progress,
      shouldStop: request.shouldStop,
    });
    request.stored?.(stored);
    return figures;
  } finally {
    await policy.release();
  }
}

/** What of search results the checkpoint's run showed its model (thumbnails, links): the evaluation shows the same. */
function shownByRun(store: Store, checkpointId: number): { thumbnails?: boolean; links?: boolean } {
  const config = runConfigOfCheckpoint(store, checkpointId);
  return config ? { thumbnails: config.search.thumbnails, links: config.search.links } : {};
}
