import { degradationOf } from '../../../shared/contract';
import { useSearch } from './store';
import { ResultsView } from './ResultsView';
import { Thumbnail } from './Thumbnail';
import { formatMoney, formatMs, formatWhen, toolLabel } from './format';

export function EntryDetail() {
  const entry = useSearch((s) => s.selected);
  const selectedKey = useSearch((s) => s.selectedKey);
  const remove = useSearch((s) => s.remove);
  if (!selectedKey)
    return (
      <div className="sc-detail sc-detail-empty muted">
        Select an entry to see its thumbnails, titles, summaries, timings and cost.
      </div>
    );
  if (!entry) return <div className="sc-detail muted">Loading…</div>;
  return (
    <div className="sc-detail" data-testid="cache-entry">
      <div className="sc-detail-head">
        <h2>
          {toolLabel[entry.tool]} search {entry.query ? <q>{entry.query}</q> : null}
        </h2>
        <button className="ghost danger" onClick={() => void remove([entry.key])} title="Delete this entry (Delete)">
          Delete
        </button>
      </div>
      {entry.imageSha256 ? (
        <figure className="sc-query-image">
          <Thumbnail sha={entry.imageSha256} alt="the question's image" size={72} />
          <figcaption className="muted">The question's image</figcaption>
        </figure>
      ) : null}
      <dl className="facts sc-facts">
        <dt>Engine</dt>
        <dd>{entry.engine}</dd>
        <dt>Written in mode</dt>
        <dd>{entry.mode}</dd>
        <dt>Latency</dt>
        <dd>{formatMs(entry.latencyMs)}</dd>
        <dt>Cost</dt>
        <dd>{formatMoney(entry.cost)}</dd>
        <dt>Hits</dt>
        <dd>
          {entry.hits}
          {entry.lastHitAt ? ` (last ${formatWhen(entry.lastHitAt)})` : ''}
        </dd>
        <dt>Cached</dt>
        <dd>{formatWhen(entry.createdAt)}</dd>
        <dt>Parameters</dt>
        <dd>
          <code>{JSON.stringify(entry.params)}</code>
        </dd>
        <dt>Key</dt>
        <dd>
          <code>{entry.key.slice(0, 16)}…</code>
        </dd>
      </dl>
      <ResultsView results={entry.results} modelText={entry.output} degraded={degradationOf(entry.raw)} />
      <details className="sc-raw">
        <summary>Raw response</summary>
        <pre>{JSON.stringify(entry.raw, null, 2)}</pre>
      </details>
    </div>
  );
}
