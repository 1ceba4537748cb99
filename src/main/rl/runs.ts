// Runs as the API and the CLI see them.
import type { Store } from '../storage';
import type { RunSummary } from '../../shared/contract';
import type { RunRow } from '../storage/repositories/runs';
import { parseRunConfig, type RunConfigInput } from './train/config';
import { evalRunFigures } from './eval/records';

export function summarizeRun(store: Store, run: RunRow): RunSummary {
  const steps = (run.config as { grpo?: { steps?: number } })?.grpo?.steps ?? null;
  return {
    id: run.id,
    name: run.name,
    kind: run.kind,
    status: run.status,
    step: run.step,
    steps,
    checkpoints: store.repos.runs.checkpoints(run.id).length,
    // An evaluation records no steps: its figures stand in for a last step's.
    last: run.kind === 'eval' ? evalRunFigures(store, run.id) : store.repos.runs.lastMetrics(run.id),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

/** Creates a run from a config; the config is validated (and stored with its defaults filled in). */
export function createRun(store: Store, raw: RunConfigInput | Record<string, unknown>): RunRow {
  const config = parseRunConfig(raw);
  if (!store.repos.datasets.find(config.dataset)) throw new Error(`Invalid run config: config.dataset: no dataset named "${config.dataset}"`);
  return store.repos.runs.insert(config.name, config.kind, config);
}

/** The run `searchlab train` continues: the newest unfinished run of that name, if any. */
export function resumableRun(store: Store, name: string): RunRow | undefined {
  const run = store.repos.runs.byName(name);
  return run && run.status !== 'finished' ? run : undefined;
}
