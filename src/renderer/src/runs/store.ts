// The runs dashboard's state: the run list, which runs are compared, and each compared run's metrics.
// The list is polled while the page is open (one cheap call; a step commits every few seconds at most), and a
// compared run's metrics are refetched only when the run changed, so charts stay live without a push channel.
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
      const before = new Map(get().runs.map((r) => [r.id, r.updatedAt]));
      const kept = get().selected.filter((id) => runs.some((r) => r.id === id));
      // First visit: the newest run with training steps (evaluations have no step charts), else the newest.
      const charted = runs.find((r) => r.step > 0 || isLive(r)) ?? runs[0];
      const selected = kept.length ? kept : charted ? [charted.id] : [];
      set({ runs, loaded: true, selected });
      // Refetch a compared run's metrics when it changed since the last poll (a step committed, or it finished).
      for (const id of selected)
        if (!get().metrics[id] || before.get(id) !== runs.find((r) => r.id === id)!.updatedAt)
          await get().loadMetrics(id);
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
