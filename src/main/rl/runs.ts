// Runs as the API and the CLI see them.
import type { Store } from '../storage';
import type { RunRow } from '../storage/repositories/runs';
import fs from 'node:fs';
import path from 'node:path';
import type { RunConfigIssue, RunSummary } from '../../shared/contract';
import { parseRunConfig, RunConfig, type RunConfigInput } from './train/config';
import { compileReward } from './reward/spec';
import { untrainableReason } from './train/model-source';
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

/** Every wrong field of a run config (the schema's and what the store lacks), and the config with its defaults. */
export function validateRunConfig(store: Store, raw: unknown): { issues: RunConfigIssue[]; config: RunConfig | null } {
  const parsed = RunConfig.safeParse(raw);
  if (!parsed.success)
    return {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      config: null,
    };
  const config = parsed.data;
  const issues: RunConfigIssue[] = [];
  if (!store.repos.datasets.find(config.dataset))
    issues.push({ path: 'dataset', message: `no dataset named "${config.dataset}"` });
  if ('checkpoint' in config.model) {
    const checkpoint = store.repos.runs.checkpoint(config.model.checkpoint);
    if (!checkpoint)
      issues.push({ path: 'model.checkpoint', message: `no checkpoint with id ${config.model.checkpoint}` });
    else if (fs.existsSync(path.join(checkpoint.path, 'config.json'))) {
      const reason = untrainableReason(checkpoint.path, config);
      if (reason) issues.push({ path: 'model.checkpoint', message: reason });
    }
  }
  if ('path' in config.model) {
    if (!fs.existsSync(path.join(config.model.path, 'config.json')))
      issues.push({ path: 'model.path', message: `no config.json in ${config.model.path}` });
    else {
      // said when the config is checked, not when the run starts
      let reason: string | null;
      try {
        reason = untrainableReason(config.model.path, config);
      } catch (error) {
        reason = (error as Error).message;
      }
      if (reason) issues.push({ path: 'model.path', message: reason });
    }
  }
  // The reward's types and value ranges are checked here, not after the first step's rollouts.
  try {
    compileReward(config.reward);
  } catch (error) {
    issues.push({ path: 'reward.expression', message: (error as Error).message });
  }
  return { issues, config: issues.length ? null : config };
}

/** Creates a run from a config; the config is validated (and stored with its defaults filled in). */
export function createRun(store: Store, raw: RunConfigInput | Record<string, unknown>): RunRow {
  const config = parseRunConfig(raw);
  const { issues } = validateRunConfig(store, config);
  if (issues.length)
    throw new Error(`Invalid run config: ${issues.map((i) => `config.${i.path}: ${i.message}`).join('; ')}`);
  return store.repos.runs.insert(config.name, config.kind, config);
}

/** The run `searchlab train` continues: the newest unfinished run of that name, if any. */
export function resumableRun(store: Store, name: string): RunRow | undefined {
  const run = store.repos.runs.byName(name);
  return run && run.status !== 'finished' && run.status !== 'cancelled' ? run : undefined;
}
