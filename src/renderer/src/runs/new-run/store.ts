// The New run form's state: what the user chose and typed, the engine's verdict on the config it makes (every
// wrong field, checked by the run config's own schema as `searchlab train --config` would), the estimate, and
// starting it. Validation is debounced: one engine call per pause in typing.
import { create } from 'zustand';
import type {
  CheckpointSummary,
  Corpus,
  DatasetSummary,
  DeviceInfo,
  RunConfigIssue,
  RunEstimate,
  RunSummary,
  SavedRewardSpec,
} from '../../../../shared/contract';
import { api } from '../../api/client';
import { reportError } from '../../state/toasts';
import { draftOf, type Draft } from './fields';
import { configOf, modelChoiceOf, settingsRunFor, type Choices, type Copied, type StoredConfig } from './config';

const VALIDATE_DELAY_MS = 150;

interface NewRunState {
  open: boolean;
  choices: Choices;
  draft: Draft;
  copied: Copied | null;
  /** Training runs whose settings can be copied. */
  runs: RunSummary[];
  issues: RunConfigIssue[];
  /** The config with its defaults filled in, when it is valid. */
  config: Record<string, unknown> | null;
  /** The last valid config: where the form reads the defaults it shows. */
  defaults: Record<string, unknown> | null;
  estimate: RunEstimate | null;
  checkpoints: CheckpointSummary[];
  datasets: DatasetSummary[];
  specs: SavedRewardSpec[];
  corpora: Corpus[];
  device: DeviceInfo | null;
  starting: boolean;
  show(): Promise<void>;
  hide(): void;
  choose(patch: Partial<Choices>): void;
  type(path: string, value: string | boolean): void;
  /**
   * Fills every field from an earlier run's config (null: back to the method's defaults); `keepModel` leaves the
   * chosen model as it is (the run's settings for a model it made or started from).
   */
  copyFrom(runId: number | null, options?: { keepModel?: boolean }): Promise<void>;
  /** Creates the run and starts training it; resolves with its id. */
  start(): Promise<number | null>;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let asked = 0;

export const useNewRun = create<NewRunState>((set, get) => {
  function validateSoon() {
    clearTimeout(timer);
    timer = setTimeout(() => void validate(), VALIDATE_DELAY_MS);
  }
  async function validate() {
    const ticket = ++asked;
    try {
      const reply = await api.call('runs.validate', { config: configOf(get()) });
      if (ticket !== asked) return;
      set({ issues: reply.issues, config: reply.config, ...(reply.config ? { defaults: reply.config } : {}) });
      const estimate = reply.config ? await api.call('runs.estimate', { config: reply.config }) : null;
      if (ticket === asked) set({ estimate });
    } catch (error) {
      reportError(error);
    }
  }
  return {
    open: false,
    choices: {
      name: '',
      checkpointId: null,
      modelPath: null,
      dataset: '',
      split: 'train',
      corpus: '',
      reward: 'default',
    },
    draft: { 'grpo.steps': '40' },
    copied: null,
    runs: [],
    issues: [],
    config: null,
    defaults: null,
    estimate: null,
    checkpoints: [],
    datasets: [],
    specs: [],
    corpora: [],
    device: null,
    starting: false,
    async show() {
      set({ open: true });
      try {
        const [checkpoints, datasets, reward, corpora, info, runs] = await Promise.all([
          api.call('checkpoints.list', {}),
          api.call('datasets.list', {}),
          api.call('reward.specs', {}),
          api.call('corpus.list', {}),
          api.call('system.info', {}),
          api.call('runs.list', {}),
        ]);
        const { choices, copied } = get();
        const first = choices.checkpointId === null && choices.modelPath === null && copied === null;
        // Defaults for a new user: the demo's (pre-trained) model, the first dataset and its corpus if one is named alike.
        const dataset = choices.dataset || datasets[0]?.name || '';
        const training = runs.filter((r) => r.kind === 'grpo');
        set({
          runs: training,
          checkpoints,
          datasets,
          specs: reward.specs,
          corpora,
          device: info.device,
          choices: {
            ...choices,
            name: choices.name || `run ${runs.length + 1}`,
            checkpointId:
              choices.checkpointId ?? (checkpoints.find((c) => c.runId === null) ?? checkpoints[0])?.id ?? null,
            dataset,
            corpus: choices.corpus || (corpora.find((c) => c.name === dataset)?.name ?? ''),
          },
        });
        // A model was trained on its run's prompt templates and reward: start from that run's settings.
        if (first) {
          const model = checkpoints.find((c) => c.id === get().choices.checkpointId);
          const from = await settingsRunFor(
            model,
            training.map((r) => r.id),
            async (id) => (await api.call('runs.get', { id })).config as StoredConfig,
          );
          if (from !== null) return await get().copyFrom(from, { keepModel: true });
        }
        validateSoon();
      } catch (error) {
        reportError(error);
      }
    },
    hide() {
      set({ open: false });
    },
    choose(patch) {
      set({ choices: { ...get().choices, ...patch } });
      validateSoon();
    },
    type(path, value) {
      set({ draft: { ...get().draft, [path]: value } });
      validateSoon();
    },
    async copyFrom(runId, options) {
      if (runId === null) {
        set({
          copied: null,
          draft: { 'grpo.steps': get().draft['grpo.steps'] ?? '40' },
          choices: { ...get().choices, reward: 'default' },
        });
        return validateSoon();
      }
      try {
        const config = (await api.call('runs.get', { id: runId })).config as StoredConfig;
        set({
          copied: {
            runId,
            templates: config.rollout?.templates,
            reward: config.reward,
            searchRequiredShare: config.searchRequiredShare ?? null,
          },
          draft: draftOf(config),
          choices: {
            ...get().choices,
            dataset: config.dataset,
            split: config.split,
            corpus: config.search?.corpus ?? '',
            reward: 'copied',
            ...(options?.keepModel ? {} : modelChoiceOf(config)),
          },
        });
        validateSoon();
      } catch (error) {
        reportError(error);
      }
    },
    async start() {
      set({ starting: true });
      try {
        const run = await api.call('runs.create', { config: configOf(get()) });
        await api.call('runs.start', { id: run.id });
        set({ open: false, choices: { ...get().choices, name: '' } });
        return run.id;
      } catch (error) {
        reportError(error);
        return null;
      } finally {
        set({ starting: false });
      }
    },
  };
});
