// Hand-labeling search need: one key per label, auto-advance, undo with a visible history, a note per sample.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { useSettings } from '../state/settings';
import { useNav } from '../state/nav';
import { useDatasets } from './store';
import { labelForKey, labelKeys, labelTitle } from './labels';
import { SampleFacts, SampleImage, useSampleDetail } from './SampleView';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

export function LabelingPanel() {
  const annotator = useSettings((s) => s.settings?.annotator ?? '');
  const updateSettings = useSettings((s) => s.update);
  const go = useNav((s) => s.go);
  const cursor = useDatasets((s) => s.cursor);
  const total = useDatasets((s) => s.total);
  const sample = useDatasets((s) => (s.cursor === null ? undefined : s.rows[s.cursor]));
  const history = useDatasets((s) => s.history);
  const sessionLabeled = useDatasets((s) => s.sessionLabeled.length);
  const sessionTotal = useDatasets((s) => s.sessionTotal);
  const queue = useDatasets((s) => s.filters.queue);
  const { label, undo, setCursor, loadHistory, saveNote, setMode } = useDatasets.getState();
  const detail = useSampleDetail(sample?.id ?? null, sample?.labels);
  const mine = sample?.labels.find((l) => l.annotator === annotator);
  const [note, setNote] = useState('');
  const noteRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => setNote(mine?.note ?? ''), [sample?.id, mine?.note]);
  // The annotator's progress over the whole dataset, refreshed after every decision.
  const datasetId = useDatasets((s) => s.datasetId);
  const [overall, setOverall] = useState<{ labeled: number; total: number } | null>(null);
  useEffect(() => {
    if (!annotator || datasetId === null) return;
    let live = true;
    api.call('labels.progress', { annotator, datasetId }).then(
      (p) => live && setOverall(p),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [annotator, datasetId, history]);
  useEffect(() => void loadHistory(annotator), [annotator, loadHistory]);

  useEffect(() => {
    if (!annotator) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.metaKey) return;
      if (e.ctrlKey) {
        if (e.key === 'z') {
          e.preventDefault();
          void undo(annotator);
        }
        return;
      }
      const chosen = labelForKey(e.key);
      if (chosen) {
        e.preventDefault();
        void label(annotator, chosen, note.trim() === '' ? undefined : note.trim());
      } else if (e.key === 'z' || e.key === 'Backspace') {
        e.preventDefault();
        void undo(annotator);
      } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
        e.preventDefault();
        if (cursor !== null && total !== null && cursor + 1 < total) setCursor(cursor + 1);
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (cursor !== null && cursor > 0) setCursor(cursor - 1);
      } else if (e.key === 'n') {
        e.preventDefault();
        noteRef.current?.focus();
      } else if (e.key === 'Escape') setMode('browse');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [annotator, cursor, total, note, label, undo, setCursor, setMode]);

  if (!annotator) {
    return (
      <div className="empty-state">
        <h2>Who is labeling?</h2>
        <p className="muted">
          Labels are kept per annotator, so agreement between annotators can be measured. Your name is kept in Settings.
        </p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const name = new FormData(e.currentTarget).get('annotator');
            if (typeof name === 'string' && name.trim()) void updateSettings({ annotator: name.trim() });
          }}
        >
          <input name="annotator" placeholder="Your name" aria-label="Annotator name" autoFocus maxLength={100} />
          <button type="submit">Start labeling</button>
          <button type="button" className="ghost" onClick={() => go('settings')}>
            Settings
          </button>
        </form>
      </div>
    );
  }
  if (total === 0) {
    return (
      <div className="empty-state" data-testid="queue-done">
        <h2>{queue === 'unlabeled' ? 'Nothing left to label' : 'No samples here'}</h2>
        <p className="muted">
          Every sample in this queue has your label. Switch the queue to “disagreeing” to resolve conflicts, or open
          Agreement.
        </p>
      </div>
    );
  }
  const done = cursor !== null && total !== null && cursor >= total - 1 && mine !== undefined;
  return (
    <div className="ds-labeling" data-testid="labeling">
      <div className="ds-label-main">
        <div className="ds-label-progress">
          <span data-testid="label-progress">
            {sessionLabeled} of {sessionTotal.toLocaleString()} labeled this session
          </span>
          <span className="muted">
            sample {cursor === null ? '—' : (cursor + 1).toLocaleString()} of {(total ?? 0).toLocaleString()} · as{' '}
            <strong>{annotator}</strong>
          </span>
          {overall ? (
            <span className="muted ds-overall" data-testid="overall-progress">
              {annotator} has labeled {overall.labeled.toLocaleString()} of {overall.total.toLocaleString()} samples in
              this dataset
            </span>
          ) : null}
          <div
            className="progress"
            role="progressbar"
            aria-label="Labeling progress"
            aria-valuemin={0}
            aria-valuemax={sessionTotal}
            aria-valuenow={sessionLabeled}
          >
            <div
              className="progress-fill"
              style={{ width: `${sessionTotal ? (100 * sessionLabeled) / sessionTotal : 0}%` }}
            />
          </div>
        </div>
        {detail ? (
          <div className="ds-label-sample">
            <SampleImage detail={detail} />
            <SampleFacts detail={detail} />
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
        <div className="ds-label-buttons" role="group" aria-label="Label">
          {labelKeys.map((k) => (
            <button
              key={k.label}
              className={`label-button label-${k.label} ${mine?.label === k.label ? 'chosen' : ''}`}
              aria-pressed={mine?.label === k.label}
              onClick={() => void label(annotator, k.label, note.trim() === '' ? undefined : note.trim())}
            >
              <kbd>{k.digit}</kbd> {labelTitle(k.label)} <span className="muted">({k.letter.toUpperCase()})</span>
            </button>
          ))}
        </div>
        <label className="ds-note">
          Note <span className="muted">(N to write, saved with the label or on leaving the field)</span>
          <textarea
            ref={noteRef}
            value={note}
            rows={2}
            placeholder="Why this label? e.g. the entity is obscure"
            onChange={(e) => setNote(e.target.value)}
            onBlur={() => void saveNote(annotator, note.trim())}
            onKeyDown={(e) => {
              if (e.key === 'Escape' || (e.key === 'Enter' && !e.shiftKey)) {
                e.preventDefault();
                (e.target as HTMLTextAreaElement).blur();
              }
            }}
          />
        </label>
        {done ? <p className="ds-finished">That was the last sample in this queue.</p> : null}
      </div>
      <aside className="ds-history" aria-label="Label history">
        <header>
          <h3>Recent decisions</h3>
          <button className="small" onClick={() => void undo(annotator)} disabled={!history.some((e) => !e.undone)}>
            Undo (Z)
          </button>
        </header>
        {history.length === 0 ? (
          <p className="muted">Your decisions appear here; Z or Ctrl+Z undoes the latest.</p>
        ) : null}
        <ol>
          {history.map((e) => (
            <li key={e.id} className={e.undone ? 'undone' : ''} data-testid="history-item">
              <span className="muted">#{e.rowIndex}</span> {e.before ? `${labelTitle(e.before)} → ` : ''}
              {e.after ? labelTitle(e.after) : 'cleared'}
              {e.undone ? <span className="muted"> (undone)</span> : null}
            </li>
          ))}
        </ol>
        <p className="muted small-print">
          Keys: 1–5 or F/I/T/B/U label and advance · ←/→ move · Z undo · N note · Esc back to browsing
        </p>
      </aside>
    </div>
  );
}
