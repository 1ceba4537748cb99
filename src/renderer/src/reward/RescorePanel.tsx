// Re-score a run under the draft spec: histogram before/after, the trajectories whose advantage changes sign,
// and the pinned trajectories' rewards side by side. Each row opens the trajectory in the debugger.
import { useEffect, useState } from 'react';
import type { Rescored, RunSummary } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useNav } from '../state/nav';
import { useDebugger } from '../trajectories/store';
import { Histogram } from './Histogram';
import { useReward } from './store';
import { useJobs } from '../state/jobs';

const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));

function RescoredTable({ rows, testId }: { rows: Rescored[]; testId: string }) {
  const go = useNav((s) => s.go);
  const runId = useReward((s) => s.runId);
  return (
    <table className="lab-table" data-testid={testId}>
      <thead>
        <tr>
          <th>Trajectory</th>
          <th>Reward before → after</th>
          <th>Advantage before → after</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr
            key={t.id}
            onClick={() => {
              if (runId === null) return;
              void useDebugger
                .getState()
                .open(runId, t.step)
                .then(() => useDebugger.getState().openId(t.id));
              go('trajectories');
            }}
          >
            <td>
              #{t.id} · step {t.step} · group {t.groupIndex} · sample {t.sampleIndex}
            </td>
            <td>
              {f(t.before.total)} → <b>{f(t.after.total)}</b>
            </td>
            <td>
              {f(t.before.advantage)} →{' '}
              <b className={t.after.advantage > 0 ? 'lab-ok' : t.after.advantage < 0 ? 'lab-bad' : 'muted'}>
                {f(t.after.advantage)}
              </b>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RescorePanel() {
  const { runId, setRun, rescore, result, busy, check, pinned, unpin, history, show } = useReward();
  const jobId = useReward((s) => s.job?.id);
  const job = useJobs((s) => (jobId === undefined ? null : (s.byId[jobId] ?? null)));
  const [runs, setRuns] = useState<RunSummary[]>([]);
  useEffect(() => {
    api.call('runs.list', {}).then((list) => {
      setRuns(list);
      if (useReward.getState().runId === null && list.length)
        setRun((list.find((r) => r.kind === 'grpo') ?? list[0]).id);
    }, reportError);
  }, [setRun]);
  return (
    <div className="card rw-rescore">
      <h2>Re-score a run</h2>
      {runs.length === 0 ? (
        <p className="muted">
          No runs yet: a GRPO run's stored trajectories can be re-scored here under the edited spec.
        </p>
      ) : null}
      <div className="row" hidden={runs.length === 0}>
        <label htmlFor="rw-run">Run</label>
        <select id="rw-run" value={runId ?? ''} onChange={(e) => setRun(Number(e.target.value))}>
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <button
          onClick={() => void rescore()}
          disabled={busy || runId === null || check?.ok === false}
          data-testid="rescore"
        >
          {busy ? 'Re-scoring…' : 'Re-score (Ctrl+Enter)'}
        </button>
      </div>
      <div className="muted">
        Pinned for preview:{' '}
        {pinned.length
          ? pinned.map((id) => (
              <button key={id} className="small ghost" onClick={() => unpin(id)} title="Unpin">
                #{id} ✕
              </button>
            ))
          : 'none (pin trajectories with M in the debugger)'}
      </div>
      {busy && job?.message ? (
        <p className="muted" data-testid="rescore-progress">
          {job.message}
        </p>
      ) : null}
      {history.length ? (
        <div className="muted" data-testid="rescore-history">
          Stored re-scorings:{' '}
          {history.map((h) => (
            <button
              key={h.id}
              className={`small ${h.id === result?.rescore.id ? '' : 'ghost'}`}
              onClick={() => void show(h.id)}
              title={h.spec.expression}
            >
              #{h.id} {h.spec.name} · {new Date(h.createdAt).toLocaleString()}
            </button>
          ))}
        </div>
      ) : null}
      {result ? (
        <div data-testid="rescore-result">
          <p className="muted">
            Re-scoring #{result.rescore.id} under <code>{result.rescore.spec.expression}</code>
          </p>
          <p>
            {result.count} trajectories · <b data-testid="changed-rewards">{result.changedRewards}</b> rewards change ·{' '}
            <b data-testid="sign-flips">{result.signFlipCount}</b> advantages change sign
          </p>
          <Histogram histogram={result.histogram} />
          {result.pinned.length ? (
            <>
              <h3>Pinned</h3>
              <RescoredTable rows={result.pinned} testId="pinned-table" />
            </>
          ) : null}
          {result.signFlips.length ? (
            <>
              <h3>
                Advantage changes sign{' '}
                {result.signFlipCount > result.signFlips.length
                  ? `(first ${result.signFlips.length} of ${result.signFlipCount})`
                  : ''}
              </h3>
              <RescoredTable rows={result.signFlips} testId="sign-flip-table" />
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
