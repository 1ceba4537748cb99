// Evaluations: start one (a checkpoint against direct answering and always-search RAG), compare stored ones side
// by side in the method's table and bar chart, open any cell's trajectories, export the table.
import { useEffect, useMemo } from 'react';
import { EmptyState } from '../components/EmptyState';
import { useNav } from '../state/nav';
import { useToasts } from '../state/toasts';
import { useDebugger } from '../trajectories/store';
import { useEvals, selectCompared } from '../evals/store';
import { columnsOf, rowsOf, toCsv, toMarkdown, POLICY_TITLES, formatValue } from '../evals/comparison';
import { ComparisonTable } from '../evals/ComparisonTable';
import { BarChart } from '../evals/BarChart';
import { EvaluateForm } from '../evals/EvaluateForm';
import { downloadText } from '../evals/export';
import { justSucceeded } from '../evals/demo-result';
import { useJobs } from '../state/jobs';
import { copyText } from '../state/clipboard';
import '../runs/runs.css';
import '../evals/evals.css';

export function EvaluationsPage() {
  const loaded = useEvals((s) => s.loaded);
  const evaluations = useEvals((s) => s.evaluations);
  const picked = useEvals((s) => s.picked);
  const load = useEvals((s) => s.load);
  const toggle = useEvals((s) => s.toggle);
  const go = useNav((s) => s.go);
  useEffect(() => void load(), [load]);
  // An evaluation started elsewhere (another window, the CLI's job runner) appears when it ends.
  useEffect(
    () =>
      useJobs.subscribe((state, previous) => {
        if (justSucceeded('eval.run', previous.byId, state.byId) && !useEvals.getState().job) void load();
      }),
    [load],
  );

  const compared = useMemo(() => selectCompared({ evaluations, picked }), [evaluations, picked]);
  const columns = useMemo(() => columnsOf(compared), [compared]);
  const rows = useMemo(() => rowsOf(columns), [columns]);

  const copyMarkdown = async () => {
    await copyText(toMarkdown(columns));
    useToasts.getState().push('info', 'Copied the table as Markdown');
  };

  return (
    <section className="page lab-runs">
      <h1>Evaluations</h1>
      <EvaluateForm />
      {loaded && evaluations.length === 0 ? (
        <EmptyState title="No evaluations yet">
          <p>
            Evaluate a checkpoint above: the policy, direct answering and always-search RAG on the same questions,
            greedy, one answer each.
          </p>
          <p>The demo world evaluates its pre-trained and GRPO models when it finishes.</p>
        </EmptyState>
      ) : null}
      {columns.length > 0 ? (
        <>
          <div className="ev-toolbar">
            <h2>Comparison</h2>
            <button className="small ghost" onClick={() => downloadText('evaluations.csv', toCsv(columns), 'text/csv')}>
              Export CSV
            </button>
            <button
              className="small ghost"
              onClick={() => downloadText('evaluations.md', toMarkdown(columns), 'text/markdown')}
            >
              Export Markdown
            </button>
            <button
              className="small ghost"
              onClick={() =>
                void copyMarkdown().catch(() =>
                  useToasts.getState().push('error', 'The clipboard is not available here; use Export Markdown'),
                )
              }
            >
              Copy Markdown
            </button>
          </div>
          <ComparisonTable
            columns={columns}
            rows={rows}
            onOpen={(column, row) => {
              if (column.evaluation.runId === null) return;
              void useDebugger.getState().open(column.evaluation.runId, null, row.filters);
              go('trajectories');
            }}
          />
          <p className="muted">Click a figure to open the trajectories it counts.</p>
          <BarChart columns={columns} />
        </>
      ) : null}
      {evaluations.length > 0 ? (
        <details className="card ev-all" open={columns.length === 0}>
          <summary>Every evaluation ({evaluations.length}): tick to compare</summary>
          <table className="lab-table" data-testid="eval-list">
            <thead>
              <tr>
                <th aria-label="compare" />
                <th>Evaluation</th>
                <th>Policy</th>
                <th>Dataset</th>
                <th>Questions</th>
                <th>Accuracy</th>
                <th>Search ratio</th>
              </tr>
            </thead>
            <tbody>
              {evaluations.map((e) => (
                <tr key={e.id} data-evaluation={e.id} onClick={() => toggle(e.id)}>
                  <td onClick={(ev) => ev.stopPropagation()}>
                    <input
                      type="checkbox"
                      aria-label={`Compare ${e.name} (${e.policy})`}
                      checked={compared.some((c) => c.id === e.id)}
                      onChange={() => toggle(e.id)}
                    />
                  </td>
                  <td>{e.name}</td>
                  <td>{POLICY_TITLES[e.policy] ?? e.policy}</td>
                  <td>{e.dataset ?? '—'}</td>
                  <td>{e.metrics.questions}</td>
                  <td>{formatValue(e.metrics.accuracy, 'percent')}</td>
                  <td>{formatValue(e.metrics.searchRatio, 'percent')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </section>
  );
}
