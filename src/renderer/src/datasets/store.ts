// The datasets page's state: the dataset list, the filtered sample list (fetched a chunk at a time as the
// virtual grid scrolls), the selected sample, and labeling with its history.
import { create } from 'zustand';
import type { DatasetSummary, LabelEvent, SampleQuery, SampleSummary, SearchNeed } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useSettings } from '../state/settings';

export const CHUNK = 200;

export type Filters = Pick<SampleQuery, 'q' | 'label' | 'dataSource' | 'split' | 'queue' | 'order'>;
export type Mode = 'browse' | 'label' | 'agreement';

interface DatasetsState {
  datasets: DatasetSummary[] | null;
  datasetId: number | null;
  filters: Filters;
  /** Bumped on every new query, so late replies to an old query are dropped. */
  generation: number;
  total: number | null;
  rows: Record<number, SampleSummary>;
  loading: Record<number, boolean>;
  cursor: number | null;
  mode: Mode;
  view: 'grid' | 'list';
  history: LabelEvent[];
  /** Samples labeled since labeling mode opened (for the progress count). */
  sessionLabeled: number[];
  sessionTotal: number;
  loadDatasets(): Promise<void>;
  select(id: number | null): void;
  setFilters(changes: Partial<Filters>): void;
  ensureRange(first: number, last: number): void;
  setCursor(index: number | null): void;
  setMode(mode: Mode): void;
  setView(view: 'grid' | 'list'): void;
  label(annotator: string, label: SearchNeed, note?: string | null): Promise<void>;
  saveNote(annotator: string, note: string): Promise<void>;
  undo(annotator: string): Promise<void>;
  loadHistory(annotator: string): Promise<void>;
  refresh(): void;
}

const defaultFilters: Filters = { queue: 'all', order: 'row' };

export const useDatasets = create<DatasetsState>((set, get) => {
  const fetchChunk = async (chunk: number) => {
    const { datasetId, filters, generation, loading } = get();
    if (datasetId === null || loading[chunk]) return;
    set({ loading: { ...loading, [chunk]: true } });
    try {
      const annotator = useSettings.getState().settings?.annotator || undefined;
      // After a loaded chunk, page by row (a queue shrinks as it is labeled; offsets would skip samples).
      const before = get().rows[chunk * CHUNK - 1];
      const keyset =
        before !== undefined && filters.order === 'row'
          ? { afterRowIndex: before.rowIndex, offset: 0 }
          : { offset: chunk * CHUNK };
      const reply = await api.call('datasets.samples', { datasetId, ...filters, annotator, ...keyset, limit: CHUNK });
      const page = {
        ...reply,
        offset: chunk * CHUNK,
        total: 'afterRowIndex' in keyset ? chunk * CHUNK + reply.total : reply.total,
      };
      if (get().generation !== generation) return;
      const rows = { ...get().rows };
      page.rows.forEach((row, i) => (rows[page.offset + i] = row));
      set({ rows, total: page.total });
    } catch (error) {
      reportError(error);
    } finally {
      if (get().generation === generation) set({ loading: { ...get().loading, [chunk]: false } });
    }
  };

  const requery = () => {
    set({ generation: get().generation + 1, rows: {}, loading: {}, total: null, cursor: null });
    void fetchChunk(0);
  };

  const replaceRow = (sampleId: number, update: (row: SampleSummary) => SampleSummary) => {
    const rows = { ...get().rows };
    for (const [index, row] of Object.entries(rows)) if (row.id === sampleId) rows[Number(index)] = update(row);
    set({ rows });
  };

  return {
    datasets: null,
    datasetId: null,
    filters: defaultFilters,
    generation: 0,
    total: null,
    rows: {},
    loading: {},
    cursor: null,
    mode: 'browse',
    view: 'grid',
    history: [],
    sessionLabeled: [],
    sessionTotal: 0,
    async loadDatasets() {
      try {
        const datasets = await api.call('datasets.list', {});
        set({ datasets });
        const { datasetId } = get();
        if (datasetId !== null && !datasets.some((d) => d.id === datasetId)) get().select(datasets[0]?.id ?? null);
        else if (datasetId === null && datasets.length) get().select(datasets[0].id);
      } catch (error) {
        reportError(error);
      }
    },
    select(id) {
      set({ datasetId: id, filters: defaultFilters, mode: 'browse', history: [] });
      requery();
    },
    setFilters(changes) {
      set({ filters: { ...get().filters, ...changes } });
      requery();
    },
    ensureRange(first, last) {
      const { rows, total } = get();
      if (total === 0) return;
      for (
        let chunk = Math.floor(Math.max(0, first) / CHUNK);
        chunk <= Math.floor(Math.max(0, last) / CHUNK);
        chunk++
      ) {
        if (total !== null && chunk * CHUNK >= total) break;
        if (rows[chunk * CHUNK] === undefined) void fetchChunk(chunk);
      }
    },
    setCursor(index) {
      set({ cursor: index });
      if (index !== null) get().ensureRange(index - 5, index + 20);
    },
    setMode(mode) {
      // Leaving labeling: the dataset's label counts changed.
      if (get().mode === 'label' && mode !== 'label') void get().loadDatasets();
      set({ mode, sessionLabeled: [], sessionTotal: get().total ?? 0 });
      if (mode === 'label' && get().cursor === null && (get().total ?? 0) > 0) get().setCursor(0);
    },
    setView(view) {
      set({ view });
    },
    async label(annotator, label, note) {
      const { cursor, rows, total } = get();
      if (cursor === null || !rows[cursor]) return;
      const sample = rows[cursor];
      try {
        const reply = await api.call('labels.set', {
          sampleId: sample.id,
          annotator,
          label,
          ...(note !== undefined ? { note } : {}),
        });
        replaceRow(sample.id, (row) => ({ ...row, labels: reply.labels }));
        const labeled = get().sessionLabeled.includes(sample.id)
          ? get().sessionLabeled
          : [...get().sessionLabeled, sample.id];
        set({ history: [reply.event, ...get().history].slice(0, 50), sessionLabeled: labeled });
        // Auto-advance to the next sample.
        if (get().cursor === cursor && total !== null && cursor + 1 < total) get().setCursor(cursor + 1);
      } catch (error) {
        reportError(error);
      }
    },
    async saveNote(annotator, note) {
      const { cursor, rows } = get();
      const sample = cursor === null ? undefined : rows[cursor];
      const mine = sample?.labels.find((l) => l.annotator === annotator);
      if (!sample || !mine || (mine.note ?? '') === note) return;
      try {
        const reply = await api.call('labels.set', {
          sampleId: sample.id,
          annotator,
          label: mine.label,
          note: note === '' ? null : note,
        });
        replaceRow(sample.id, (row) => ({ ...row, labels: reply.labels }));
        set({ history: [reply.event, ...get().history].slice(0, 50) });
      } catch (error) {
        reportError(error);
      }
    },
    async undo(annotator) {
      const { datasetId } = get();
      if (datasetId === null) return;
      try {
        const { undone } = await api.call('labels.undo', { annotator, datasetId });
        if (!undone) return;
        const labels = (await api.call('datasets.sample', { id: undone.sampleId })).labels;
        replaceRow(undone.sampleId, (row) => ({ ...row, labels }));
        set({
          history: get().history.map((e) => (e.id === undone.id ? undone : e)),
          sessionLabeled:
            undone.before === null ? get().sessionLabeled.filter((id) => id !== undone.sampleId) : get().sessionLabeled,
        });
        // Go back to the sample whose decision was undone, when it is in the list.
        const index = Object.entries(get().rows).find(([, row]) => row.id === undone.sampleId)?.[0];
        if (index !== undefined) get().setCursor(Number(index));
      } catch (error) {
        reportError(error);
      }
    },
    async loadHistory(annotator) {
      const { datasetId } = get();
      if (datasetId === null || !annotator) return;
      try {
        set({ history: await api.call('labels.history', { annotator, datasetId, limit: 50 }) });
      } catch (error) {
        reportError(error);
      }
    },
    refresh() {
      requery();
      void get().loadDatasets();
    },
  };
});

api.on('job.updated', (job) => {
  // A finished import, export or subset changes the list of datasets.
  if (job.kind.startsWith('datasets.') && job.status === 'succeeded') void useDatasets.getState().loadDatasets();
});
api.onConnection((connected) => connected && void useDatasets.getState().loadDatasets());
