// A training run's checkpoints: step, the step's mean reward and the evaluations made of each, with what can be
// done to one — evaluate it, open its step's rollouts, export it as a model folder, delete it.
import { useEffect, useState } from 'react';
import type { RunCheckpoint, RunSummary } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError, useToasts } from '../state/toasts';
import { useNav } from '../state/nav';
import { useDebugger } from '../trajectories/store';
import { useEvals } from '../evals/store';
import { POLICY_TITLES, formatValue } from '../evals/comparison';
import { PathPicker } from '../datasets/PathPicker';

/** The newest evaluation of each policy on each dataset (evaluations come newest first). */
function newestEvaluations(c: RunCheckpoint): RunCheckpoint['evaluations'] {
  const seen = new Set<string>();
  return c.evaluations.filter((e) => {
    const key = `${e.policy}|${e.dataset}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function ExportRow({ checkpoint, onDone }: { checkpoint: RunCheckpoint; onDone(): void }) {
  const [dir, setDir] = useState('');
  const exportTo = () =>
    api.call('checkpoints.export', { id: checkpoint.id, dir }).then((r) => {
      useToasts.getState().push('info', `Exported checkpoint ${checkpoint.id} to ${r.dir} (${r.files.length} files)`);
      onDone();
    }, reportError);
  return (
    <form
      className="nr-export"
      onSubmit={(e) => {
        e.preventDefault();
        void exportTo();
      }}
    >
      <PathPicker value={dir} onChange={setDir} label="New or empty folder" placeholder="/path/to/model-folder" />
      <button type="submit" disabled={dir.trim() === ''}>
        Export model folder
      </button>
    </form>
  );
}

export function Checkpoints({ run }: { run: RunSummary }) {
  const [list, setList] = useState<RunCheckpoint[]>([]);
  const [exporting, setExporting] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const go = useNav((s) => s.go);
  const reload = () => api.call('checkpoints.ofRun', { runId: run.id }).then(setList, reportError);
  useEffect(() => void reload(), [run.id, run.updatedAt]); // eslint-disable-line react-hooks/exhaustive-deps
  if (list.length === 0) return null;

  const remove = (id: number) =>
    api.call('checkpoints.delete', { id }).then((r) => {
      useToasts
        .getState()
        .push(
          'info',
          `Deleted checkpoint ${id}${r.removedFiles ? ' and its files' : ' (its files were outside the data folder and are kept)'}`,
        );
      setConfirming(null);
      void reload();
    }, reportError);

  return (
    <details className="card nr-checkpoints" open data-testid="checkpoints">
      <summary>Checkpoints ({list.length})</summary>
      <table className="lab-table">
        <thead>
          <tr>
            <th>Step</th>
            <th>Reward</th>
            <th>Evaluations</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.id} data-checkpoint={c.id}>
              <td>{c.step}</td>
              <td>{c.reward === null ? '—' : c.reward.toFixed(3)}</td>
              <td>
                {newestEvaluations(c).map((e) => (
                  <div key={e.id}>
                    {POLICY_TITLES[e.policy] ?? e.policy} on {e.dataset ?? '—'}: accuracy{' '}
                    {formatValue(e.accuracy ?? undefined, 'percent')}, search{' '}
                    {formatValue(e.searchRatio ?? undefined, 'percent')}
                  </div>
                ))}
                {c.evaluations.length === 0 ? <span className="muted">none yet</span> : null}
                {exporting === c.id ? <ExportRow checkpoint={c} onDone={() => setExporting(null)} /> : null}
              </td>
              <td className="nr-checkpoint-actions">
                <button
                  className="small"
                  onClick={() => {
                    useEvals.setState({ preferredCheckpoint: c.id });
                    go('evaluations');
                  }}
                >
                  Evaluate
                </button>
                <button
                  className="small ghost"
                  onClick={() => {
                    void useDebugger.getState().open(run.id, c.step);
                    go('trajectories');
                  }}
                  title="The step's rollouts; C there compares a question across checkpoints"
                >
                  Open in debugger
                </button>
                <button className="small ghost" onClick={() => setExporting(exporting === c.id ? null : c.id)}>
                  Export…
                </button>
                <button
                  className="small ghost"
                  onClick={() => (confirming === c.id ? void remove(c.id) : setConfirming(c.id))}
                >
                  {confirming === c.id ? 'Confirm delete' : 'Delete'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
