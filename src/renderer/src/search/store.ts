// The Search cache page's state: filters, the list, the open entry, statistics, corpora and hand searches.
import { create } from 'zustand';
import type {
  CacheEntry,
  CacheEntrySummary,
  CacheMode,
  CacheStats,
  Corpus,
  SearchEngineKind,
  SearchTool,
  ToolCallResult,
} from '../../../shared/contract';
import { api } from '../api/client';
import { reportError, useToasts } from '../state/toasts';

export interface CacheFilter {
  tool: SearchTool | '';
  engine: SearchEngineKind | '';
  mode: CacheMode | '';
  text: string;
  degradedOnly: boolean;
}

const PAGE = 200;

interface SearchState {
  filter: CacheFilter;
  entries: CacheEntrySummary[];
  total: number;
  loading: boolean;
  selectedKey: string | null;
  selected: CacheEntry | null;
  stats: CacheStats | null;
  corpora: Corpus[];
  lastRun: ToolCallResult | null;
  running: boolean;
  setFilter(change: Partial<CacheFilter>): void;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  select(key: string | null): Promise<void>;
  remove(keys: string[]): Promise<void>;
  clear(): Promise<void>;
  loadCorpora(): Promise<void>;
  run(params: Parameters<typeof api.call<'search.run'>>[1]): Promise<void>;
}

function listParams(filter: CacheFilter, offset: number) {
  return {
    tool: filter.tool || undefined,
    engine: filter.engine || undefined,
    mode: filter.mode || undefined,
    text: filter.text.trim() || undefined,
    degraded: filter.degradedOnly || undefined,
    limit: PAGE,
    offset,
  };
}

export const useSearch = create<SearchState>((set, get) => ({
  filter: { tool: '', engine: '', mode: '', text: '', degradedOnly: false },
  entries: [],
  total: 0,
  loading: false,
  selectedKey: null,
  selected: null,
  stats: null,
  corpora: [],
  lastRun: null,
  running: false,
  setFilter(change) {
    set({ filter: { ...get().filter, ...change } });
    void get().refresh();
  },
  async refresh() {
    set({ loading: true });
    try {
      const [list, stats] = await Promise.all([
        api.call('search.cache.list', listParams(get().filter, 0)),
        api.call('search.cache.stats', {}),
      ]);
      set({ entries: list.entries, total: list.total, stats });
    } catch (error) {
      reportError(error);
    } finally {
      set({ loading: false });
    }
  },
  async loadMore() {
    const { entries, total, filter } = get();
    if (entries.length >= total) return;
    try {
      const list = await api.call('search.cache.list', listParams(filter, entries.length));
      set({ entries: [...entries, ...list.entries], total: list.total });
    } catch (error) {
      reportError(error);
    }
  },
  async select(key) {
    set({ selectedKey: key, selected: null });
    if (!key) return;
    try {
      const entry = await api.call('search.cache.get', { key });
      if (get().selectedKey === key) set({ selected: entry });
    } catch (error) {
      reportError(error);
    }
  },
  async remove(keys) {
    try {
      const { deleted } = await api.call('search.cache.delete', { keys });
      useToasts.getState().push('info', `Deleted ${deleted} cache ${deleted === 1 ? 'entry' : 'entries'}`);
      if (get().selectedKey && keys.includes(get().selectedKey!)) set({ selectedKey: null, selected: null });
      await get().refresh();
    } catch (error) {
      reportError(error);
    }
  },
  async clear() {
    try {
      const tool = get().filter.tool || undefined;
      const { deleted } = await api.call('search.cache.clear', { tool });
      useToasts.getState().push('info', `Reset the cache: ${deleted} ${deleted === 1 ? 'entry' : 'entries'} deleted`);
      set({ selectedKey: null, selected: null });
      await get().refresh();
    } catch (error) {
      reportError(error);
    }
  },
  async loadCorpora() {
    try {
      set({ corpora: await api.call('corpus.list', {}) });
    } catch (error) {
      reportError(error);
    }
  },
  async run(params) {
    set({ running: true });
    try {
      const result = await api.call('search.run', params);
      set({ lastRun: result });
      await get().refresh();
    } catch (error) {
      reportError(error);
    } finally {
      set({ running: false });
    }
  },
}));
