import type { Degradation, SearchResultItem } from '../../../shared/contract';
import { Thumbnail } from './Thumbnail';
import { DegradedNotice } from './DegradedNotice';

/** Results as the debugger shows them: what failed, then thumbnail, title, link, summary or snippet; then what the model saw. */
export function ResultsView({
  results,
  modelText,
  degraded,
}: {
  results: SearchResultItem[];
  modelText: string;
  degraded: Degradation[];
}) {
  return (
    <div className="sc-results">
      <DegradedNotice degraded={degraded} />
      {results.length === 0 ? <p className="muted">No results.</p> : null}
      <ol className="sc-result-list">
        {results.map((r) => (
          <li key={r.rank} className="sc-result" data-testid="search-result">
            {r.imageSha256 ? <Thumbnail sha={r.imageSha256} alt={r.title} size={72} /> : null}
            <div className="sc-result-body">
              <div className="sc-result-title">
                <span className="sc-rank">{r.rank}.</span> {r.title}
              </div>
              <a className="sc-link" href={r.url} target="_blank" rel="noreferrer">
                {r.url}
              </a>
              {r.summary ? (
                <p className="sc-summary">{r.summary}</p>
              ) : r.snippet ? (
                <p className="sc-summary muted">{r.snippet}</p>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <details className="sc-model-text">
        <summary>What the model sees</summary>
        <pre data-testid="model-text">{modelText}</pre>
      </details>
    </div>
  );
}
