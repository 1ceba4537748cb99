// The New run form's pure logic: the run config its choices and fields make (as `searchlab train --config` takes
// it), which earlier run's settings a model should start from, and which wrong fields belong to a form field.
import type { CheckpointSummary, RunConfigIssue, SavedRewardSpec } from '../../../../shared/contract';
import { buildConfig, type Draft } from './fields';

export interface Choices {
  name: string;
  checkpointId: number | null;
  /** A model folder by path (a copied run's `model.path`); when set it is the model, not the checkpoint. */
  modelPath: string | null;
  dataset: string;
  split: string;
  /** '' for the search settings' own corpus. */
  corpus: string;
  /** 'default' for the method's reward, 'copied' for the copied run's, else a saved spec's id. */
  reward: string;
}

/** What a copied run's config brings that the form has no field for (its prompt templates, its reward). */
export interface Copied {
  runId: number;
  templates: unknown;
  reward: unknown;
  searchRequiredShare: unknown;
}

/** The parts of a stored run config the form reads by name (the rest goes through draftOf). */
export interface StoredConfig {
  dataset: string;
  split: string;
  searchRequiredShare?: number | null;
  model?: { checkpoint?: number; path?: string };
  search?: { corpus?: string | null };
  rollout?: { templates?: unknown };
  reward?: unknown;
}

export interface ConfigSource {
  choices: Choices;
  draft: Draft;
  specs: SavedRewardSpec[];
  copied: Copied | null;
}

/** The model part of the config: a folder by path, else a checkpoint. */
export function modelOf(choices: Pick<Choices, 'checkpointId' | 'modelPath'>): Record<string, unknown> {
  if (choices.modelPath) return { path: choices.modelPath };
  return choices.checkpointId === null ? {} : { checkpoint: choices.checkpointId };
}

/** The model a stored config names, as the form's choices. */
export function modelChoiceOf(config: StoredConfig): Pick<Choices, 'checkpointId' | 'modelPath'> | null {
  if (config.model?.path) return { checkpointId: null, modelPath: config.model.path };
  if (config.model?.checkpoint) return { checkpointId: config.model.checkpoint, modelPath: null };
  return null;
}

/** The config the form describes, as the CLI takes it. */
export function configOf(state: ConfigSource): Record<string, unknown> {
  const { choices, copied } = state;
  const spec = state.specs.find((x) => String(x.id) === choices.reward);
  const reward = spec
    ? { name: spec.name, version: spec.version, expression: spec.expression, constants: spec.constants }
    : choices.reward === 'copied'
      ? copied?.reward
      : undefined;
  const base: Record<string, unknown> = {
    name: choices.name,
    model: modelOf(choices),
    dataset: choices.dataset,
    split: choices.split,
    ...(copied ? { searchRequiredShare: copied.searchRequiredShare } : {}),
    search: choices.corpus ? { corpus: choices.corpus } : {},
    rollout: copied ? { templates: copied.templates } : {},
    ...(reward ? { reward } : {}),
    grpo: {},
  };
  return buildConfig(base, state.draft);
}

/**
 * Whose settings a new run on this model should start from: a model carries the prompt templates and reward it
 * was trained on. A run's checkpoint: that run's. A model folder (the demo's pre-trained model): the newest
 * training run that started from it (`runIds` newest first; `configOf` reads a run's stored config). Null when
 * no run did: the method's defaults.
 */
export async function settingsRunFor(
  checkpoint: CheckpointSummary | undefined,
  runIds: readonly number[],
  configOfRun: (runId: number) => Promise<StoredConfig>,
): Promise<number | null> {
  if (!checkpoint) return null;
  if (checkpoint.runId !== null) return runIds.includes(checkpoint.runId) ? checkpoint.runId : null;
  for (const runId of runIds) {
    const model = (await configOfRun(runId)).model;
    if (model?.checkpoint === checkpoint.id || (model?.path !== undefined && model.path === checkpoint.path))
      return runId;
  }
  return null;
}

/** The wrong fields shown at a form field: its own path and the paths under it (`model.checkpoint` at Model). */
export const issuesAt = (issues: readonly RunConfigIssue[], path: string): RunConfigIssue[] =>
  issues.filter((issue) => issue.path === path || issue.path.startsWith(`${path}.`));
