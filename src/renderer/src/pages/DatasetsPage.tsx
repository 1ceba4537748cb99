import { useEffect, useState } from 'react';
import { EmptyState } from '../components/EmptyState';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useDatasets } from '../datasets/store';
import { DatasetList } from '../datasets/DatasetList';
import { Toolbar } from '../datasets/Toolbar';
import { SampleGrid } from '../datasets/SampleGrid';
import { SampleView } from '../datasets/SampleView';
import { LabelingPanel } from '../datasets/LabelingPanel';
import { AgreementView } from '../datasets/AgreementView';
import { ImportDialog } from '../datasets/ImportDialog';
import { ExportDialog } from '../datasets/ExportDialog';
import { BalanceDialog } from '../datasets/BalanceDialog';
import { Recipe } from '../datasets/Recipe';
import '../datasets/datasets.css';

type DialogName = 'import' | 'export' | 'balance' | null;

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Browse-mode keys: arrows move the selection, L labels, A shows agreement. */
function useBrowseKeys(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey || document.querySelector('.overlay')) return;
      const { cursor, total, setCursor, setMode } = useDatasets.getState();
      const columns = Math.max(
        1,
        Math.round(
          (document.querySelector('.ds-line')?.clientWidth ?? 1) /
            (document.querySelector('.ds-tile')?.clientWidth || 1),
        ),
      );
      const step = {
        ArrowRight: 1,
        ArrowLeft: -1,
        ArrowDown: useDatasets.getState().view === 'grid' ? columns : 1,
        ArrowUp: useDatasets.getState().view === 'grid' ? -columns : -1,
      }[e.key];
      if (step !== undefined && total) {
        e.preventDefault();
        setCursor(Math.min(total - 1, Math.max(0, (cursor ?? -step) + step)));
      } else if (e.key === 'l' || e.key === 'L') {
        e.preventDefault();
        setMode('label');
      } else if (e.key === 'a' || e.key === 'A') {
        e.preventDefault();
        setMode('agreement');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export function DatasetsPage() {
  const datasets = useDatasets((s) => s.datasets);
  const datasetId = useDatasets((s) => s.datasetId);
  const mode = useDatasets((s) => s.mode);
  const cursorSample = useDatasets((s) => (s.cursor === null ? undefined : s.rows[s.cursor]));
  const { setMode, loadDatasets } = useDatasets.getState();
  const [dialog, setDialog] = useState<DialogName>(null);
  const dataset = datasets?.find((d) => d.id === datasetId);
  useBrowseKeys(mode === 'browse' && dialog === null);
  useEffect(() => void loadDatasets(), [loadDatasets]);

  const header = (
    <header className="ds-page-head">
      <h1>Datasets</h1>
      <span className="spacer" />
      <button onClick={() => setDialog('import')}>Import…</button>
    </header>
  );
  const dialogs = (
    <>
      {dialog === 'import' ? <ImportDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'export' && dataset ? <ExportDialog dataset={dataset} onClose={() => setDialog(null)} /> : null}
      {dialog === 'balance' && dataset ? <BalanceDialog dataset={dataset} onClose={() => setDialog(null)} /> : null}
    </>
  );

  if (datasets === null) {
    return (
      <section className="page">
        {header}
        <p className="muted">Loading datasets…</p>
      </section>
    );
  }
  if (datasets.length === 0) {
    return (
      <section className="page">
        {header}
        <EmptyState title="No datasets yet">
          <p>
            Import veRL / FVQA parquet, a folder of HF parquet shards, JSONL or CSV, and browse every sample with its
            image.
          </p>
          <p>
            Label which samples need search (one key per label), and build a training set balanced between
            search-required and search-free questions.
          </p>
          <p>
            <button onClick={() => setDialog('import')}>Import a dataset…</button> or from a terminal:{' '}
            <code>npx searchlab import FILE --dataset NAME</code>
          </p>
        </EmptyState>
        {dialogs}
      </section>
    );
  }
  return (
    <section className="page datasets-page">
      {header}
      <div className="ds-layout">
        <DatasetList datasets={datasets} />
        {dataset ? (
          <div className="ds-main">
            <div className="ds-head">
              <div>
                <h2 data-testid="dataset-name">{dataset.name}</h2>
                <span className="muted">
                  {dataset.samples.toLocaleString()} samples · {dataset.images.toLocaleString()} images
                  {dataset.annotators.length ? ` · annotators: ${dataset.annotators.join(', ')}` : ''}
                </span>
                <Recipe dataset={dataset} />
              </div>
              <span className="spacer" />
              <div className="ds-segmented" role="tablist" aria-label="Mode">
                {(['browse', 'label', 'agreement'] as const).map((m) => (
                  <button
                    key={m}
                    role="tab"
                    aria-selected={mode === m}
                    className={mode === m ? 'on' : ''}
                    onClick={() => setMode(m)}
                  >
                    {m === 'browse' ? 'Browse' : m === 'label' ? 'Label (L)' : 'Agreement (A)'}
                  </button>
                ))}
              </div>
              <button className="ghost" onClick={() => setDialog('balance')}>
                Balanced subset…
              </button>
              <button className="ghost" onClick={() => setDialog('export')}>
                Export…
              </button>
              <button
                className="ghost danger"
                onClick={async () => {
                  if (
                    !confirm(
                      `Delete “${dataset.name}” with its ${dataset.samples} samples and their labels? Images shared by hash stay.`,
                    )
                  )
                    return;
                  try {
                    await api.call('datasets.delete', { id: dataset.id });
                    await loadDatasets();
                  } catch (error) {
                    reportError(error);
                  }
                }}
              >
                Delete
              </button>
            </div>
            {mode === 'agreement' ? (
              <AgreementView datasetId={dataset.id} />
            ) : (
              <>
                <Toolbar dataset={dataset} />
                {mode === 'label' ? (
                  <LabelingPanel />
                ) : (
                  <div className="ds-browse">
                    <SampleGrid />
                    <SampleView id={cursorSample?.id ?? null} version={cursorSample?.labels} />
                  </div>
                )}
              </>
            )}
          </div>
        ) : null}
      </div>
      {dialogs}
    </section>
  );
}
