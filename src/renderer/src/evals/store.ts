// The Evaluations page's state: stored evaluations, which are compared side by side, the checkpoints and
// datasets to evaluate, and the evaluation job in flight (its records appear when it finishes).
import { create } from 'zustand';
import type {
  CheckpointSummary,
  DatasetSummary,
  EvalRunParams,
  EvaluationSummary,
  Job,
} from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { untilFinished, useJobs } from '../state/jobs';
import { defaultSelection } from './comparison';
import { evaluationIdsOf } from './job-result';

interface EvalsState {
  loaded: boolean;
  evaluations: EvaluationSummary[];
  /** Compared evaluations, in column order; null until the user picks (then the default selection applies). */
  picked: number[] | null;
  checkpoints: CheckpointSummary[];
  datasets: DatasetSummary[];
  job: Job | null;
  /** The checkpoint the form should offer first (set by a checkpoint's "Evaluate" on the Runs page). */
  preferredCheckpoint: number | null;
  load(): Promise<void>;
  toggle(id: number): void;
  run(request: EvalRunParams): Promise<void>;
  /**
   * Compares the evaluation an eval run holds with its checkpoint's baselines and the policy before and after
   * training on the same dataset (the default selection around it).
   */
  showRun(runId: number): Promise<void>;
}

export const useEvals = create<EvalsState>((set, get) => ({
  loaded: false,
  evaluations: [],
  picked: null,
  checkpoints: [],
  datasets: [],
  job: null,
  preferredCheckpoint: null,
  async load() {
    try {
      const [evaluations, checkpoints, datasets] = await Promise.all([
        api.call('evals.list', {}),
        api.call('checkpoints.list', {}),
        api.call('datasets.list', {}),
      ]);
      set({ evaluations, checkpoints, datasets, loaded: true });
    } catch (error) {
      reportError(error);
    }
  },
  toggle(id) {
    const current = selectCompared(get()).map((e) => e.id);
    set({ picked: current.includes(id) ? current.filter((x) => x !== id) : [...current, id] });
  },
  async run(request) {
    const job = await useJobs.getState().start('eval.run', { ...request });
    if (!job) return;
    set({ job });
    try {
      const done = await untilFinished(job.id);
      if (done.status !== 'succeeded') throw new Error(done.error ?? `The evaluation ${done.status}`);
      await get().load();
      // Show what was just evaluated: the evaluations the job stored, in the order they ran (not the newest ones,
      // which may include another evaluation that finished meanwhile).
      const stored = evaluationIdsOf(done.result);
      const known = new Set(get().evaluations.map((e) => e.id));
      if (stored.length > 0) set({ picked: stored.filter((id) => known.has(id)) });
    } catch (error) {
      reportError(error);
    } finally {
      set({ job: null });
    }
  },
  async showRun(runId) {
    await get().load();
    const { evaluations } = get();
    const shown = evaluations.find((e) => e.runId === runId);
    if (shown) set({ picked: defaultSelection(evaluations, shown) });
  },
}));

/** The compared evaluations, in column order. */
export function selectCompared(state: Pick<EvalsState, 'evaluations' | 'picked'>): EvaluationSummary[] {
  const ids = state.picked ?? defaultSelection(state.evaluations);
  return ids
    .map((id) => state.evaluations.find((e) => e.id === id))
    .filter((e): e is EvaluationSummary => e !== undefined);
}
