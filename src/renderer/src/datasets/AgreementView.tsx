// Agreement between annotators and the disagreements to resolve.
import { useEffect, useState } from 'react';
import type { Agreement } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useDatasets } from './store';
import { labelTitle } from './labels';

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(3));

export function AgreementView({ datasetId }: { datasetId: number }) {
  const [agreement, setAgreement] = useState<Agreement | null>(null);
  const setFilters = useDatasets((s) => s.setFilters);
  const setMode = useDatasets((s) => s.setMode);
  const setCursor = useDatasets((s) => s.setCursor);
  /** Opens labeling on the disagreeing queue at this sample (the queue is in row order, like this list). */
  const resolve = (index: number) => {
    setFilters({ queue: 'disagreeing' });
    setMode('label');
    setCursor(index);
  };
  useEffect(() => {
    api.call('labels.agreement', { datasetId }).then(setAgreement, reportError);
  }, [datasetId]);
  if (!agreement) return <p className="muted">Computing agreement…</p>;
  if (agreement.annotators.length < 2) {
    return (
      <div className="empty-state">
        <h2>Agreement needs two annotators</h2>
        <p className="muted">
          {agreement.annotators.length === 0
            ? 'Nobody has labeled this dataset yet.'
            : `Only ${agreement.annotators[0]} has labeled it.`}{' '}
          Ask a colleague to label the same samples (their own annotator name in Settings), then Cohen’s kappa per pair
          and Krippendorff’s alpha appear here.
        </p>
      </div>
    );
  }
  return (
    <div className="ds-agreement" data-testid="agreement">
      <div className="card">
        <h2>Agreement</h2>
        <dl className="facts">
          <dt>Krippendorff’s α</dt>
          <dd data-testid="alpha">{fmt(agreement.alpha)}</dd>
          <dt>Samples compared</dt>
          <dd>{agreement.items.toLocaleString()} (labeled by two or more)</dd>
          <dt>Disagreements</dt>
          <dd>{agreement.disagreementCount.toLocaleString()}</dd>
        </dl>
        <table className="ds-table">
          <thead>
            <tr>
              <th>Pair</th>
              <th>Both labeled</th>
              <th>Observed agreement</th>
              <th>Cohen’s κ</th>
            </tr>
          </thead>
          <tbody>
            {agreement.pairs.map((p) => (
              <tr key={`${p.a}|${p.b}`}>
                <td>
                  {p.a} · {p.b}
                </td>
                <td>{p.items}</td>
                <td>{p.observed === null ? '—' : `${(p.observed * 100).toFixed(1)}%`}</td>
                <td>{fmt(p.kappa)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>Disagreements to resolve</h2>
        {agreement.disagreementCount === 0 ? (
          <p className="muted">None: every sample labeled twice got the same label.</p>
        ) : null}
        {agreement.disagreementCount > 0 ? (
          <button
            onClick={() => {
              setFilters({ queue: 'disagreeing' });
              setMode('label');
            }}
          >
            Label the {agreement.disagreementCount} disagreeing samples
          </button>
        ) : null}
        <table className="ds-table">
          <tbody>
            {agreement.disagreements.map((d, index) => (
              <tr key={d.sampleId}>
                <td className="muted">#{d.rowIndex}</td>
                <td>{d.question}</td>
                <td>
                  {Object.entries(d.labels).map(([who, l]) => (
                    <div key={who}>
                      {who}: <span className={`chip label-${l}`}>{labelTitle(l)}</span>
                    </div>
                  ))}
                </td>
                <td>
                  <button className="small" onClick={() => resolve(index)}>
                    Label it
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
