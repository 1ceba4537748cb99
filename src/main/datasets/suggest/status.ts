// Model-assisted label suggestion. The policy runs N times on a sample without search; how often it answers
// correctly suggests whether the sample needs search. The model runtime is not wired in yet, so the status
// says so; the suggestions table, the rule and the "uncertain first" ordering are ready for it.
import type { Store } from '../../storage';

/** Mostly correct without search → search-free; otherwise search-required (the kind of search is unknown). */
export function suggestedLabel(correct: number, runs: number): 'search_free' | 'search_required' {
  if (runs <= 0 || correct < 0 || correct > runs) throw new RangeError(`correct (${correct}) must be within 0..runs (${runs})`);
  return correct / runs >= 0.5 ? 'search_free' : 'search_required';
}

export function suggestStatus(store: Store, datasetId: number): { loaded: boolean; message: string; suggested: number } {
  const suggested = store.repos.samples.suggestionCount(datasetId);
  return {
    loaded: false,
    suggested,
    message:
      'Model not loaded: suggestions need a policy checkpoint, and the model runtime cannot run one yet. ' +
      (suggested > 0 ? `${suggested} stored suggestion(s) are shown, uncertain ones first.` : 'No suggestions are stored for this dataset.'),
  };
}
