// One sample in full: the image at full size, question, answer, candidate answers, labels and suggestion.
import { useEffect, useState } from 'react';
import type { SampleDetail } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useImageSrc } from './images';
import { labelTitle } from './labels';

export function useSampleDetail(id: number | null, version: unknown): SampleDetail | null {
  const [detail, setDetail] = useState<SampleDetail | null>(null);
  useEffect(() => {
    if (id === null) return setDetail(null);
    let live = true;
    api.call('datasets.sample', { id }).then((d) => live && setDetail(d), reportError);
    return () => {
      live = false;
    };
  }, [id, version]);
  return detail;
}

export function SampleImage({ detail }: { detail: SampleDetail }) {
  if (!detail.imageSha256) return <div className="ds-full-image no-image">This sample has no image.</div>;
  return <StoredImage detail={detail} sha={detail.imageSha256} />;
}

function StoredImage({ detail, sha }: { detail: SampleDetail; sha: string }) {
  const src = useImageSrc(sha, false);
  return (
    <figure className="ds-full-image">
      {src ? (
        <img src={src} alt={`Image of sample ${detail.rowIndex}`} />
      ) : (
        <div className="ds-full-image no-image">Loading image…</div>
      )}
      {detail.image ? (
        <figcaption className="muted">
          {detail.image.width}×{detail.image.height} {detail.image.mime.replace('image/', '').toUpperCase()} ·{' '}
          {(detail.image.size / 1024).toFixed(0)} kB
        </figcaption>
      ) : null}
    </figure>
  );
}

export function SampleFacts({ detail }: { detail: SampleDetail }) {
  return (
    <dl className="facts ds-facts">
      <dt>Question</dt>
      <dd data-testid="sample-question">{detail.question}</dd>
      <dt>Answer</dt>
      <dd>
        <strong>{detail.answer}</strong>
      </dd>
      {detail.candidates.length ? (
        <>
          <dt>Candidates</dt>
          <dd>{detail.candidates.join(' · ')}</dd>
        </>
      ) : null}
      <dt>Source</dt>
      <dd>
        {detail.dataSource ?? '—'}
        {detail.split ? ` · ${detail.split}` : ''}
        {detail.category ? ` · ${detail.category}` : ''}
        {detail.dataId ? ` · ${detail.dataId}` : ''}
      </dd>
      {detail.searchNeed ? (
        <>
          <dt>By construction</dt>
          <dd>{labelTitle(detail.searchNeed)}</dd>
        </>
      ) : null}
      <dt>Suggestion</dt>
      <dd>
        {detail.suggestion ? (
          `${detail.suggestion.label === 'search_free' ? 'Search-free' : 'Needs search'} ` +
          `(${detail.suggestion.correct}/${detail.suggestion.runs} correct without search, ${detail.suggestion.model})`
        ) : (
          <span className="muted">Model not loaded</span>
        )}
      </dd>
      <dt>Labels</dt>
      <dd>
        {detail.labels.length === 0 ? (
          <span className="muted">None yet</span>
        ) : (
          <ul className="ds-labels">
            {detail.labels.map((l) => (
              <li key={l.annotator}>
                <span className={`chip label-${l.label}`}>{labelTitle(l.label)}</span> {l.annotator}
                {l.note ? <span className="muted"> — {l.note}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}

export function SampleView({ id, version }: { id: number | null; version: unknown }) {
  const detail = useSampleDetail(id, version);
  if (id === null)
    return (
      <aside className="ds-detail muted">
        Select a sample to see its image, answer and labels. Arrow keys move the selection.
      </aside>
    );
  if (!detail) return <aside className="ds-detail muted">Loading…</aside>;
  return (
    <aside className="ds-detail" aria-label="Sample">
      <h2>Sample #{detail.rowIndex}</h2>
      <SampleImage detail={detail} />
      <SampleFacts detail={detail} />
    </aside>
  );
}
