// The runs dashboard's state: the run list, which runs are compared, and each compared run's metrics.
// Running runs are polled (a step commits every few seconds at most; polling keeps the charts live without
// a push channel per metric).
import { create } from 'zustand';
import type { RunSummary } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';

export type MetricSeries = Record<string, { steps: number[]; values: number[] }>;

interface RunsState {
  runs: RunSummary[];
  loaded: boolean;
  selected: number[];
  metrics: Record<number, MetricSeries>;
  load(): Promise<void>;
  /** Select one run (replacing the selection), or add/remove it from the comparison. */
  select(id: number, compare: boolean): void;
  loadMetrics(id: number): Promise<void>;
}

export const isLive = (run: RunSummary) => run.status === 'running' || run.status === 'queued';

export const useRuns = create<RunsState>((set, get) => ({
  runs: [],
  loaded: false,
  selected: [],
  metrics: {},
  async load() {
    try {
      const runs = await api.call('runs.list', {});
      const kept = get().selected.filter((id) => runs.some((r) => r.id === id));
      // First visit: the newest run with training steps (evaluations have no step charts), else the newest.
      const charted = runs.find((r) => r.step > 0 || isLive(r)) ?? runs[0];
      const selected = kept.length ? kept : charted ? [charted.id] : [];
      set({ runs, loaded: true, selected });
      for (const id of selected) if (!get().metrics[id] || isLive(runs.find((r) => r.id === id)!)) await get().loadMetrics(id);
    } catch (error) {
      reportError(error);
    }
  },
  select(id, compare) {
    const current = get().selected;
    const selected = compare ? (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]) : [id];
    set({ selected });
    if (!get().metrics[id]) void get().loadMetrics(id);
  },
  async loadMetrics(id) {
    try {
      const points = await api.call('runs.metrics', { id });
      const series: MetricSeries = {};
      for (const p of points) {
        const s = (series[p.name] ??= { steps: [], values: [] });
        s.steps.push(p.step);
        s.values.push(p.value);
      }
      set({ metrics: { ...get().metrics, [id]: series } });
    } catch (error) {
      reportError(error);
    }
  },
}));
