// Stored evaluations as the API shows them: each with its checkpoint, dataset, eval run and figures; and an
// eval run's figures in the shape of a training run's last step, for the runs list.
import type { Store } from '../../storage';
import type { EvaluationRow } from '../../storage/repositories/runs';
import { EvalMetrics, type EvaluationSummary } from '../../../shared/contract';

export function evaluationSummaries(store: Store): EvaluationSummary[] {
  const runNames = new Map(store.repos.runs.list().map((r) => [r.id, r.name]));
  const checkpoints = new Map(store.repos.runs.allCheckpoints().map((c) => [c.id, c]));
  return store.repos.runs.evaluations().map((e) => summarizeEvaluation(store, e, runNames, checkpoints));
}

function summarizeEvaluation(
  store: Store,
  e: EvaluationRow,
  runNames: Map<number, string>,
  checkpoints: Map<number, { runId: number | null; step: number }>,
): EvaluationSummary {
  const checkpoint = e.checkpointId === null ? undefined : checkpoints.get(e.checkpointId);
  const runId = (e.config as { runId?: unknown } | null)?.runId;
  return {
    id: e.id,
    name: e.name,
    policy: e.policy,
    checkpointId: e.checkpointId,
    checkpointRun: checkpoint?.runId == null ? null : (runNames.get(checkpoint.runId) ?? null),
    checkpointStep: checkpoint?.step ?? null,
    datasetId: e.datasetId,
    dataset: e.datasetId === null ? null : (store.repos.datasets.find(e.datasetId)?.name ?? null),
    runId: typeof runId === 'number' ? runId : null,
    metrics: EvalMetrics.parse(e.metrics),
    createdAt: e.createdAt,
  };
}

/** An eval run's figures under the names a training step records them (reward from its stored trajectories). */
export function evalRunFigures(store: Store, runId: number): Record<string, number> {
  const evaluation = store.repos.runs.evaluationOfRun(runId);
  if (!evaluation) return {};
  const m = EvalMetrics.safeParse(evaluation.metrics);
  if (!m.success) return {};
  // Older evaluations did not record their mean reward: read it from their stored trajectories.
  const rewardMean = m.data.rewardMean ?? store.repos.trajectoryViews.steps(runId)[0]?.rewardMean;
  const figures: Record<string, number> = {
    accuracy: m.data.accuracy,
    search_ratio: m.data.searchRatio,
    searches_per_trajectory: m.data.searchesPerQuestion,
  };
  if (rewardMean !== null && rewardMean !== undefined) figures.reward_mean = rewardMean;
  return figures;
}
