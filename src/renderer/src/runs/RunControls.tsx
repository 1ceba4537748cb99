// Pause, resume or cancel the shown training run. Pausing stops after the step in flight; resuming continues
// from the last committed step; a cancelled run stays as it is.
import type { RunSummary } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useRuns } from './store';

const act = (method: 'runs.start' | 'runs.pause' | 'runs.cancel', id: number) =>
  api.call(method, { id }).then(() => useRuns.getState().load(), reportError);

export function RunControls({ run }: { run: RunSummary }) {
  if (run.kind !== 'grpo') return null;
  const live = run.status === 'running' || run.status === 'queued';
  const resumable = ['created', 'paused', 'interrupted'].includes(run.status);
  const over = run.status === 'finished' || run.status === 'cancelled';
  return (
    <div className="nr-controls" data-testid="run-controls" data-status={run.status}>
      <span>
        <b>{run.name}</b> <span className={`chip status-${run.status}`}>{run.status}</span> step {run.step}
        {run.steps ? ` of ${run.steps}` : ''}
      </span>
      {live ? (
        <button className="small" onClick={() => void act('runs.pause', run.id)}>
          Pause
        </button>
      ) : null}
      {resumable ? (
        <button className="small" onClick={() => void act('runs.start', run.id)}>
          {run.step > 0 ? 'Resume' : 'Start'}
        </button>
      ) : null}
      {!over ? (
        <button className="small ghost" onClick={() => void act('runs.cancel', run.id)}>
          Cancel run
        </button>
      ) : null}
    </div>
  );
}
