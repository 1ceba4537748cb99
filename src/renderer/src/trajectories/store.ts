// The trajectory debugger's state: which run and step, the filters, the paged list (fetched a page at a time
// as rows scroll into view, never the whole run), the open trajectory and turn, and the open GRPO group.
import { create } from 'zustand';
import type { Behaviour, Result, StepSummary, TrajectoryDetail, TrajectorySummary } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';

export const PAGE = 100;

export interface Filters {
  zeroVariance?: boolean;
  searched?: boolean;
  /** At least one image search, or at least one text search. */
  searchKind?: 'image' | 'text';
  correct?: boolean;
  need?: string;
  dataSource?: string;
  behaviour?: Behaviour;
}

export interface GroupView {
  step: number;
  groupIndex: number;
  items: TrajectorySummary[];
  mean: number | null;
  std: number | null;
  zeroVariance: boolean;
}

interface DebuggerState {
  runId: number | null;
  steps: StepSummary[];
  step: number | null;
  filters: Filters;
  total: number;
  /** Loaded pages by page number; a new query replaces the map (and bumps `query` so stale replies are dropped). */
  pages: Record<number, TrajectorySummary[]>;
  query: number;
  index: number;
  detail: TrajectoryDetail | null;
  turn: number;
  group: GroupView | null;
  /** The open trajectory's sample across runs (checkpoint compare), when shown. */
  compare: Result<'trajectories.bySample'> | null;
  toggleCompare(): Promise<void>;
  open(runId: number, step: number | null, filters?: Filters): Promise<void>;
  setStep(step: number | null): Promise<void>;
  setFilters(filters: Filters): Promise<void>;
  ensure(from: number, to: number): void;
  select(index: number): Promise<void>;
  openId(id: number): Promise<void>;
  move(delta: number): void;
  moveTurn(delta: number): void;
  setTurn(turn: number): void;
  toggleGroup(): Promise<void>;
}

const inFlight = new Set<string>();

export const rowAt = (state: Pick<DebuggerState, 'pages'>, index: number): TrajectorySummary | undefined =>
  state.pages[Math.floor(index / PAGE)]?.[index % PAGE];

export const useDebugger = create<DebuggerState>((set, get) => {
  async function fetchPage(page: number, query: number) {
    const { runId, step, filters } = get();
    if (runId === null) return;
    const key = `${query}:${page}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try {
      const reply = await api.call('trajectories.list', {
        runId,
        ...(step === null ? {} : { step }),
        ...filters,
        offset: page * PAGE,
        limit: PAGE,
      });
      if (get().query !== query) return;
      set({ pages: { ...get().pages, [page]: reply.items }, total: reply.total });
    } catch (error) {
      reportError(error);
    } finally {
      inFlight.delete(key);
    }
  }

  async function reload() {
    const query = get().query + 1;
    set({ query, pages: {}, total: 0, index: 0, detail: null, turn: 0, group: null, compare: null });
    await fetchPage(0, query);
    if (get().query === query && rowAt(get(), 0)) await get().select(0);
  }

  return {
    runId: null,
    steps: [],
    step: null,
    filters: {},
    total: 0,
    pages: {},
    query: 0,
    index: 0,
    detail: null,
    turn: 0,
    group: null,
    compare: null,
    async toggleCompare() {
      const { compare, detail } = get();
      if (compare) return set({ compare: null });
      if (!detail?.sampleId) return;
      try {
        set({ compare: await api.call('trajectories.bySample', { sampleId: detail.sampleId }) });
      } catch (error) {
        reportError(error);
      }
    },
    async open(runId, step, filters = {}) {
      set({ runId, step, filters });
      try {
        set({ steps: await api.call('trajectories.steps', { runId }) });
      } catch (error) {
        reportError(error);
      }
      await reload();
    },
    async setStep(step) {
      set({ step });
      await reload();
    },
    async setFilters(filters) {
      set({ filters });
      await reload();
    },
    ensure(from, to) {
      const { query, pages } = get();
      for (let p = Math.floor(from / PAGE); p <= Math.floor(to / PAGE); p++) if (!pages[p]) void fetchPage(p, query);
    },
    async select(index) {
      const { total } = get();
      if (index < 0 || (total > 0 && index >= total)) return;
      set({ index });
      let row = rowAt(get(), index);
      if (!row) {
        await fetchPage(Math.floor(index / PAGE), get().query);
        row = rowAt(get(), index);
      }
      if (!row) return;
      await get().openId(row.id);
      const { group } = get();
      if (group && (group.step !== row.step || group.groupIndex !== row.groupIndex)) await loadGroup(row);
    },
    async openId(id) {
      try {
        const detail = await api.call('trajectories.get', { id });
        set({ detail, turn: 0 });
      } catch (error) {
        reportError(error);
      }
    },
    move(delta) {
      void get().select(get().index + delta);
    },
    moveTurn(delta) {
      const { detail, turn } = get();
      if (!detail) return;
      set({ turn: Math.max(0, Math.min(detail.turnList.length - 1, turn + delta)) });
    },
    setTurn(turn) {
      set({ turn });
    },
    async toggleGroup() {
      const { group, detail } = get();
      if (group) return set({ group: null });
      if (detail) await loadGroup(detail);
    },
  };

  async function loadGroup(row: { runId: number; step: number; groupIndex: number }) {
    try {
      const reply = await api.call('trajectories.group', {
        runId: row.runId,
        step: row.step,
        groupIndex: row.groupIndex,
      });
      set({ group: { step: row.step, groupIndex: row.groupIndex, ...reply } });
    } catch (error) {
      reportError(error);
    }
  }
});
