import { create } from 'zustand';
import type { Job, JobKind } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from './toasts';

interface JobsState {
  byId: Record<number, Job>;
  load(): Promise<void>;
  start(kind: JobKind, params?: Record<string, unknown>): Promise<Job | null>;
  cancel(id: number): Promise<void>;
}

export const useJobs = create<JobsState>((set, get) => ({
  byId: {},
  async load() {
    try {
      const jobs = await api.call('jobs.list', { limit: 50 });
      set({ byId: Object.fromEntries(jobs.map((j) => [j.id, j])) });
    } catch (error) {
      reportError(error);
    }
  },
  async start(kind, params = {}) {
    try {
      const job = await api.call('jobs.start', { kind, params });
      set({ byId: { ...get().byId, [job.id]: job } });
      return job;
    } catch (error) {
      reportError(error);
      return null;
    }
  },
  async cancel(id) {
    try {
      await api.call('jobs.cancel', { id });
    } catch (error) {
      reportError(error);
    }
  },
}));

api.on('job.updated', (job) => useJobs.setState((s) => ({ byId: { ...s.byId, [job.id]: job } })));
api.onConnection((connected) => connected && void useJobs.getState().load());

/** Newest first. */
export const selectJobs = (state: JobsState): Job[] => Object.values(state.byId).sort((a, b) => b.id - a.id);
export const isActive = (job: Job): boolean => job.status === 'queued' || job.status === 'running';

/** Resolves with the job once it has finished (succeeded, failed, cancelled or interrupted), from the job events. */
export function untilFinished(id: number): Promise<Job> {
  return new Promise((resolve) => {
    const check = (s: JobsState) => {
      const job = s.byId[id];
      if (!job || isActive(job)) return false;
      stop();
      resolve(job);
      return true;
    };
    const stop = useJobs.subscribe(check);
    // It may have finished before we started listening: ask once.
    if (!check(useJobs.getState()))
      void api
        .call('jobs.get', { id })
        .then((job) => useJobs.setState((s) => ({ byId: { ...s.byId, [id]: job } })), reportError);
  });
}
