// The "what if" panel's state: the decision point being replayed, the choices there (what to force, which
// checkpoint continues, the search cache mode), the replay job in flight, the replay shown and the trajectory's
// earlier replays. Replays run as jobs in the engine; their results are stored there and read back by id.
import { create } from 'zustand';
import type {
  CacheMode,
  DecisionAction,
  DecisionProbabilities as Probabilities,
  Job,
  Replay,
  ReplayOptions,
} from '../../../shared/contract';
import { DecisionProbabilities } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { untilFinished, useJobs } from '../state/jobs';

interface ReplayState {
  trajectoryId: number | null;
  turn: number;
  options: ReplayOptions | null;
  force: DecisionAction | null;
  checkpointId: number | null;
  cacheMode: CacheMode;
  job: Job | null;
  error: string | null;
  replay: Replay | null;
  history: Replay[];
  openAt(trajectoryId: number, turn: number): Promise<void>;
  close(): void;
  set(patch: Partial<Pick<ReplayState, 'force' | 'checkpointId' | 'cacheMode'>>): void;
  show(replay: Replay): void;
  run(): Promise<void>;
}

export const useReplay = create<ReplayState>((set, get) => ({
  trajectoryId: null,
  turn: 0,
  options: null,
  force: null,
  checkpointId: null,
  cacheMode: 'replay-only',
  job: null,
  error: null,
  replay: null,
  history: [],
  async openAt(trajectoryId, turn) {
    set({ trajectoryId, turn, options: null, replay: null, error: null, job: null });
    try {
      const [options, history] = await Promise.all([
        api.call('replay.options', { trajectoryId }),
        api.call('replay.list', { trajectoryId }),
      ]);
      if (get().trajectoryId !== trajectoryId) return;
      const decision = options.decisions.find((d) => d.turn === turn);
      const current = get().checkpointId;
      const checkpointId =
        options.defaultCheckpointId ??
        (current !== null && options.checkpoints.some((c) => c.id === current)
          ? current
          : (options.checkpoints[0]?.id ?? null));
      set({
        options,
        history,
        force: decision?.defaultForce ?? null,
        checkpointId,
        replay: history.find((r) => r.turn === turn) ?? null,
      });
    } catch (error) {
      reportError(error);
    }
  },
  close() {
    set({ trajectoryId: null, options: null, replay: null, job: null, error: null });
  },
  set(patch) {
    set(patch);
  },
  show(replay) {
    set({ replay, turn: replay.turn });
  },
  async run() {
    const { trajectoryId, turn, force, checkpointId, cacheMode } = get();
    if (trajectoryId === null || force === null) return;
    set({ error: null });
    const job = await useJobs.getState().start('trajectories.replay', {
      trajectoryId,
      turn,
      force,
      cacheMode,
      ...(checkpointId === null ? {} : { checkpointId }),
    });
    if (!job) return;
    set({ job });
    const done = await untilFinished(job.id);
    if (get().trajectoryId !== trajectoryId) return;
    set({ job: done });
    if (done.status !== 'succeeded') return set({ error: done.error ?? `The replay ${done.status}` });
    try {
      const replay = await api.call('replay.get', { id: (done.result as { replayId: number }).replayId });
      set({ replay, history: [replay, ...get().history] });
    } catch (error) {
      reportError(error);
    }
  },
}));

/** Live progress of the replay job in flight (from the job events). */
export const useReplayJob = () => {
  const id = useReplay((s) => s.job?.id);
  return useJobs((s) => (id === undefined ? null : (s.byId[id] ?? null)));
};

interface DecisionsState {
  /** By trajectory id: the probabilities, or the job computing them. */
  byTrajectory: Record<number, Probabilities | 'running' | { error: string }>;
  compute(trajectoryId: number, checkpointId?: number): Promise<void>;
}

export const useDecisions = create<DecisionsState>((set, get) => ({
  byTrajectory: {},
  async compute(trajectoryId, checkpointId) {
    const put = (v: DecisionsState['byTrajectory'][number]) =>
      set({ byTrajectory: { ...get().byTrajectory, [trajectoryId]: v } });
    put('running');
    const job = await useJobs
      .getState()
      .start('trajectories.decisions', { trajectoryId, ...(checkpointId ? { checkpointId } : {}) });
    if (!job) return put({ error: 'could not start' });
    const done = await untilFinished(job.id);
    const parsed = DecisionProbabilities.safeParse(done.result);
    put(
      done.status === 'succeeded' && parsed.success
        ? parsed.data
        : { error: done.error ?? 'the engine sent probabilities this build cannot read' },
    );
  },
}));
