// The reward editor's state: the spec being edited, its live syntax check, the pinned trajectories to preview
// on, and the re-scoring shown (a `reward.rescore` job stores each one; the run's earlier ones can be reopened).
import { create } from 'zustand';
import type {
  Job,
  RescoreResult,
  RewardCheck,
  RewardSpecInput,
  SavedRewardSpec,
  StoredRescore,
} from '../../../shared/contract';
import { api } from '../api/client';
import { reportError, useToasts } from '../state/toasts';
import { untilFinished, useJobs } from '../state/jobs';

interface RewardState {
  loaded: boolean;
  specs: SavedRewardSpec[];
  variables: Record<string, string>;
  functions: string[];
  draft: RewardSpecInput;
  check: RewardCheck | null;
  runId: number | null;
  pinned: number[];
  result: (RescoreResult & { rescore: StoredRescore }) | null;
  /** The run's stored re-scorings, newest first. */
  history: StoredRescore[];
  /** The re-scoring job in flight. */
  job: Job | null;
  busy: boolean;
  load(): Promise<void>;
  edit(patch: Partial<RewardSpecInput>): void;
  setRun(id: number | null): void;
  pin(id: number): void;
  unpin(id: number): void;
  rescore(): Promise<void>;
  show(id: number): Promise<void>;
  save(): Promise<void>;
}

let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checkSeq = 0;

export const useReward = create<RewardState>((set, get) => ({
  loaded: false,
  specs: [],
  variables: {},
  functions: [],
  draft: { name: 'mmsearch-r1', expression: '', constants: {}, answerMatch: 'em' },
  check: null,
  runId: null,
  pinned: [],
  result: null,
  history: [],
  job: null,
  busy: false,
  async load() {
    try {
      const r = await api.call('reward.specs', {});
      const first = !get().loaded;
      set({
        specs: r.specs,
        variables: r.variables,
        functions: r.functions,
        loaded: true,
        ...(first ? { draft: r.defaultSpec } : {}),
      });
      if (first) get().edit({});
    } catch (error) {
      reportError(error);
    }
  },
  edit(patch) {
    set({ draft: { ...get().draft, ...patch } });
    // Check as the user types, debounced; a late reply for an older text is dropped.
    clearTimeout(checkTimer);
    const seq = ++checkSeq;
    checkTimer = setTimeout(() => {
      api.call('reward.check', { spec: get().draft }).then((check) => seq === checkSeq && set({ check }), reportError);
    }, 150);
  },
  setRun(runId) {
    set({ runId, result: null, history: [] });
    if (runId !== null)
      api.call('reward.rescores', { runId }).then((history) => get().runId === runId && set({ history }), reportError);
  },
  pin(id) {
    if (!get().pinned.includes(id)) set({ pinned: [...get().pinned, id] });
  },
  unpin(id) {
    set({ pinned: get().pinned.filter((x) => x !== id) });
  },
  async rescore() {
    const { runId, draft, busy } = get();
    if (runId === null || busy) return;
    set({ busy: true });
    try {
      const job = await useJobs.getState().start('reward.rescore', { runId, spec: draft });
      if (!job) return;
      set({ job });
      const done = await untilFinished(job.id);
      if (done.status !== 'succeeded') throw new Error(done.error ?? `Re-scoring ${done.status}`);
      await get().show((done.result as { rescoreId: number }).rescoreId);
      if (get().runId === runId) set({ history: await api.call('reward.rescores', { runId }) });
    } catch (error) {
      reportError(error);
    } finally {
      set({ busy: false, job: null });
    }
  },
  async show(id) {
    try {
      set({ result: await api.call('reward.rescored', { id, pinned: get().pinned }) });
    } catch (error) {
      reportError(error);
    }
  },
  async save() {
    try {
      const saved = await api.call('reward.save', { spec: get().draft });
      useToasts.getState().push('info', `Saved ${saved.name} v${saved.version}`);
      await get().load();
    } catch (error) {
      reportError(error);
    }
  },
}));
