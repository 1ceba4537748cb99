import { useEffect, useRef } from 'react';
import { useSearch } from './store';
import { formatMoney, formatMs, toolLabel } from './format';
import { Thumbnail } from './Thumbnail';

export function CacheFilters({ textRef }: { textRef: React.RefObject<HTMLInputElement | null> }) {
  const filter = useSearch((s) => s.filter);
  const setFilter = useSearch((s) => s.setFilter);
  const timer = useRef<number | null>(null);
  return (
    <div className="sc-filters">
      <select
        aria-label="Filter by tool"
        value={filter.tool}
        onChange={(e) => setFilter({ tool: e.target.value as never })}
      >
        <option value="">All tools</option>
        <option value="image_search">Image search</option>
        <option value="text_search">Text search</option>
      </select>
      <select
        aria-label="Filter by engine"
        value={filter.engine}
        onChange={(e) => setFilter({ engine: e.target.value as never })}
      >
        <option value="">All engines</option>
        <option value="local">Local</option>
        <option value="serpapi">SerpApi</option>
        <option value="searxng">SearXNG</option>
      </select>
      <select
        aria-label="Filter by mode"
        value={filter.mode}
        onChange={(e) => setFilter({ mode: e.target.value as never })}
      >
        <option value="">All modes</option>
        <option value="live">Live</option>
        <option value="cache-first">Cache-first</option>
        <option value="replay-only">Replay-only</option>
      </select>
      <label className="sc-degraded-filter">
        <input
          type="checkbox"
          aria-label="Degraded only"
          checked={filter.degradedOnly}
          onChange={(e) => setFilter({ degradedOnly: e.target.checked })}
        />
        Degraded only
      </label>
      <input
        ref={textRef}
        aria-label="Filter by text"
        placeholder="Filter queries and results  ( / )"
        defaultValue={filter.text}
        onChange={(e) => {
          const text = e.target.value;
          if (timer.current) window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => setFilter({ text }), 200);
        }}
      />
    </div>
  );
}

export function CacheList() {
  const entries = useSearch((s) => s.entries);
  const total = useSearch((s) => s.total);
  const selectedKey = useSearch((s) => s.selectedKey);
  const select = useSearch((s) => s.select);
  const loadMore = useSearch((s) => s.loadMore);
  const selectedRow = useRef<HTMLTableRowElement | null>(null);
  useEffect(() => {
    // A block body on purpose: newer Chromium returns a Promise from scrollIntoView, which React would take for a cleanup.
    selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [selectedKey]);
  return (
    <div className="sc-list">
      <table className="sc-table" aria-label="Cache entries">
        <thead>
          <tr>
            <th>Tool</th>
            <th>Query</th>
            <th>Engine</th>
            <th className="num">Results</th>
            <th className="num">Hits</th>
            <th className="num">Latency</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr
              key={e.key}
              ref={e.key === selectedKey ? selectedRow : undefined}
              className={e.key === selectedKey ? 'selected' : ''}
              onClick={() => void select(e.key)}
              data-testid="cache-row"
              aria-selected={e.key === selectedKey}
            >
              <td>
                <span className={`badge tool-${e.tool}`}>{toolLabel[e.tool]}</span>
              </td>
              <td className="sc-query">
                {e.imageSha256 ? <Thumbnail sha={e.imageSha256} alt="question's image" size={26} /> : null}
                {e.query ?? (e.imageSha256 ? `image ${e.imageSha256.slice(0, 10)}…` : '')}
              </td>
              <td>
                {e.engine}
                {e.degraded.length ? (
                  <span
                    className="badge sc-degraded-badge"
                    title={`Made while ${e.degraded.join(', ')} failed; a cache-first search fetches it again`}
                  >
                    degraded
                  </span>
                ) : null}
              </td>
              <td className="num">{e.resultCount}</td>
              <td className="num">{e.hits}</td>
              <td className="num">{formatMs(e.latencyMs)}</td>
              <td className="num">{formatMoney(e.cost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length < total ? (
        <button className="ghost" onClick={() => void loadMore()}>
          Show more ({(total - entries.length).toLocaleString()} left)
        </button>
      ) : null}
    </div>
  );
}
