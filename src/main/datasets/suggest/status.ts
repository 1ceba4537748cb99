// Model-assisted label suggestion. The policy runs N times on a sample without search; how often it answers
// correctly suggests whether the sample needs search (suggest/run.ts runs it as the datasets.suggest job).
import type { Store } from '../../storage';

/** Mostly correct without search → search-free; otherwise search-required (the kind of search is unknown). */
export function suggestedLabel(correct: number, runs: number): 'search_free' | 'search_required' {
  if (runs <= 0 || correct < 0 || correct > runs)
    throw new RangeError(`correct (${correct}) must be within 0..runs (${runs})`);
  return correct / runs >= 0.5 ? 'search_free' : 'search_required';
}

export function suggestStatus(
  store: Store,
  datasetId: number,
): { loaded: boolean; message: string; suggested: number; checkpointId: number | null } {
  const suggested = store.repos.samples.suggestionCount(datasetId);
  const latest = store.repos.runs.latestCheckpoint();
  const stored =
    suggested > 0
      ? `${suggested} stored suggestion(s) are shown, uncertain ones first.`
      : 'No suggestions are stored for this dataset.';
  if (!latest)
    return {
      loaded: false,
      suggested,
      checkpointId: null,
      message: `Model not loaded: suggestions need a policy checkpoint (train or pre-train one first). ${stored}`,
    };
  return {
    loaded: true,
    suggested,
    checkpointId: latest.id,
    message: `Checkpoint ${latest.id} (step ${latest.step}) can suggest labels: it answers each sample without search several times. ${stored}`,
  };
}
