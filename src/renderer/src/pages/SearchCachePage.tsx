import { useEffect, useRef } from 'react';
import { EmptyState } from '../components/EmptyState';
import { useSearch } from '../search/store';
import { CacheFilters, CacheList } from '../search/CacheList';
import { EntryDetail } from '../search/EntryDetail';
import { TryPanel } from '../search/TryPanel';
import { CorporaCard } from '../search/CorporaCard';
import { TransferBar } from '../search/TransferBar';
import { formatMoney } from '../search/format';
import { api } from '../api/client';
import '../search/search.css';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

function Stats() {
  const stats = useSearch((s) => s.stats);
  if (!stats) return null;
  const calls = stats.hits + stats.misses;
  return (
    <div className="sc-stats" data-testid="cache-stats">
      <div>
        <b>{stats.entries.toLocaleString()}</b>
        <span>entries</span>
      </div>
      <div>
        <b>{stats.hits.toLocaleString()}</b>
        <span>hits</span>
      </div>
      <div>
        <b>{stats.misses.toLocaleString()}</b>
        <span>misses</span>
      </div>
      <div>
        <b>{calls ? `${Math.round((100 * stats.hits) / calls)}%` : '—'}</b>
        <span>hit rate</span>
      </div>
      <div>
        <b>{stats.errors.toLocaleString()}</b>
        <span>errors</span>
      </div>
      <div>
        <b>{formatMoney(stats.spent)}</b>
        <span>spent</span>
      </div>
      <div>
        <b data-testid="money-saved">{formatMoney(stats.saved)}</b>
        <span>saved</span>
      </div>
      <div title="Entries made while the reader, summariser or thumbnails failed; a cache-first search fetches them again">
        <b data-testid="degraded-entries">{stats.degraded.toLocaleString()}</b>
        <span>degraded</span>
      </div>
      <div title="Local images uploaded to SerpApi's Image API for Google Lens">
        <b data-testid="lens-uploads">{stats.uploads.toLocaleString()}</b>
        <span>uploads</span>
      </div>
      {Object.entries(stats.byProvider)
        .filter(([, cost]) => cost > 0)
        .map(([provider, cost]) => (
          <div key={provider} title={`Money paid to ${provider} for every paid search call, refreshes included`}>
            <b data-testid={`spent-${provider}`}>{formatMoney(cost)}</b>
            <span>{provider}</span>
          </div>
        ))}
    </div>
  );
}

export function SearchCachePage() {
  const refresh = useSearch((s) => s.refresh);
  const loadCorpora = useSearch((s) => s.loadCorpora);
  const total = useSearch((s) => s.total);
  const filter = useSearch((s) => s.filter);
  const clear = useSearch((s) => s.clear);
  const filterRef = useRef<HTMLInputElement | null>(null);
  const queryRef = useRef<HTMLInputElement | null>(null);
  const filtered = !!(filter.tool || filter.engine || filter.mode || filter.text);

  useEffect(() => {
    void refresh();
    void loadCorpora();
    return api.onConnection((connected) => {
      if (connected) {
        void refresh();
        void loadCorpora();
      }
    });
  }, [refresh, loadCorpora]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (isTyping(e.target)) return;
      const { entries, selectedKey, select, remove } = useSearch.getState();
      const index = entries.findIndex((x) => x.key === selectedKey);
      if (e.key === '/') {
        e.preventDefault();
        filterRef.current?.focus();
      } else if (e.key === 't' || e.key === 'T') {
        e.preventDefault();
        queryRef.current?.focus();
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && entries.length) {
        e.preventDefault();
        const next = e.key === 'ArrowDown' ? Math.min(entries.length - 1, index + 1) : Math.max(0, index - 1);
        void select(entries[next].key);
      } else if (e.key === 'Delete' && selectedKey) {
        e.preventDefault();
        void remove([selectedKey]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="page sc-page">
      <h1>Search cache</h1>
      <Stats />
      <TryPanel queryRef={queryRef} />
      <div className="card sc-cache-card">
        <div className="sc-cache-head">
          <h2>Cached calls</h2>
          <CacheFilters textRef={filterRef} />
          <button
            className="ghost danger"
            disabled={total === 0}
            onClick={() => {
              const what = filter.tool
                ? `every ${filter.tool === 'image_search' ? 'image' : 'text'} search entry`
                : 'every cache entry and the call statistics';
              if (window.confirm(`Reset the cache: delete ${what}?`)) void clear();
            }}
          >
            Reset…
          </button>
        </div>
        {total === 0 && !filtered ? (
          <EmptyState title="The search cache is empty">
            <p>
              Every image and text search goes through the cache (live, cache-first or replay-only), so training is
              cheap and reproducible.
            </p>
            <p>
              Run a search above, or from a terminal: <code>searchlab search text "QUERY" --engine local</code>. Entries
              show thumbnails, titles, summaries, timings and cost.
            </p>
          </EmptyState>
        ) : (
          <div className="sc-split">
            <CacheList />
            <EntryDetail />
          </div>
        )}
        <TransferBar />
      </div>
      <CorporaCard />
    </section>
  );
}
