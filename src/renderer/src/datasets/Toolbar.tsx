// Search and filters over the current dataset's samples.
import { useEffect, useRef, useState } from 'react';
import type { DatasetSummary } from '../../../shared/contract';
import { SearchNeed } from '../../../shared/contract';
import { useDatasets, type Filters } from './store';
import { labelTitle } from './labels';
import { SuggestNotice } from './SuggestNotice';

export function Toolbar({ dataset }: { dataset: DatasetSummary }) {
  const filters = useDatasets((s) => s.filters);
  const total = useDatasets((s) => s.total);
  const view = useDatasets((s) => s.view);
  const mode = useDatasets((s) => s.mode);
  const { setFilters, setView } = useDatasets.getState();
  const [q, setQ] = useState(filters.q ?? '');
  const searchRef = useRef<HTMLInputElement>(null);

  // Search as the user types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((filters.q ?? '') !== q) setFilters({ q: q.trim() === '' ? undefined : q });
    }, 200);
    return () => clearTimeout(timer);
  }, [q, filters.q, setFilters]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const select = <K extends keyof Filters>(key: K, value: string) =>
    setFilters({ [key]: value === '' ? undefined : value } as Partial<Filters>);
  return (
    <div className="ds-toolbar">
      <input
        ref={searchRef}
        type="search"
        className="ds-search"
        placeholder="Search questions and answers  ( / )"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLInputElement).blur()}
        aria-label="Search samples"
      />
      <select value={filters.label ?? ''} onChange={(e) => select('label', e.target.value)} aria-label="Label filter">
        <option value="">Any label</option>
        <option value="unlabeled">Unlabeled</option>
        {SearchNeed.options.map((l) => (
          <option key={l} value={l}>
            {labelTitle(l)}
          </option>
        ))}
      </select>
      <select
        value={filters.dataSource ?? ''}
        onChange={(e) => select('dataSource', e.target.value)}
        aria-label="Data source filter"
        disabled={dataset.dataSources.length === 0}
      >
        <option value="">All sources</option>
        {dataset.dataSources.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <select
        value={filters.split ?? ''}
        onChange={(e) => select('split', e.target.value)}
        aria-label="Split filter"
        disabled={dataset.splits.length === 0}
      >
        <option value="">All splits</option>
        {dataset.splits.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <select
        value={filters.queue ?? 'all'}
        onChange={(e) => setFilters({ queue: e.target.value as Filters['queue'] })}
        aria-label="Queue"
      >
        <option value="all">All samples</option>
        <option value="unlabeled">Not labeled by me</option>
        <option value="disagreeing">Annotators disagree</option>
      </select>
      <select
        value={filters.order ?? 'row'}
        onChange={(e) => setFilters({ order: e.target.value as Filters['order'] })}
        aria-label="Order"
      >
        <option value="row">In file order</option>
        <option value="uncertain">Uncertain suggestions first</option>
      </select>
      <span className="spacer" />
      <span className="muted" data-testid="match-count">
        {total === null ? '…' : `${total.toLocaleString()} ${total === 1 ? 'sample' : 'samples'}`}
      </span>
      <div className="ds-segmented" role="group" aria-label="View" hidden={mode === 'label'}>
        <button className={view === 'grid' ? 'on' : ''} onClick={() => setView('grid')} aria-pressed={view === 'grid'}>
          Grid
        </button>
        <button className={view === 'list' ? 'on' : ''} onClick={() => setView('list')} aria-pressed={view === 'list'}>
          List
        </button>
      </div>
      {filters.order === 'uncertain' ? <SuggestNotice datasetId={dataset.id} /> : null}
    </div>
  );
}
