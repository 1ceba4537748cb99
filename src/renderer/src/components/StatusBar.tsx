import { useShallow } from 'zustand/react/shallow';
import { useConnection } from '../state/connection';
import { useJobs, selectJobs, isActive } from '../state/jobs';
import { transportKind } from '../api/client';

export function StatusBar({ onJobsClick }: { onJobsClick(): void }) {
  const connected = useConnection((s) => s.connected);
  const info = useConnection((s) => s.info);
  const running = useJobs(useShallow((s) => selectJobs(s).filter(isActive)));
  const first = running[0];
  return (
    <footer className="status-bar">
      <span className={`dot ${connected ? 'ok' : 'bad'}`} data-testid="engine-status">
        {connected ? 'Engine connected' : 'Engine disconnected'}
      </span>
      <span className="muted">{transportKind === 'ipc' ? 'app' : 'browser mode'}</span>
      {info ? (
        <span data-testid="device" title={info.device.notice ?? ''}>
          {info.device.kind.toUpperCase()}: {info.device.name}
          {info.device.notice ? ' ⚠' : ''}
        </span>
      ) : null}
      {info ? (
        <span className="muted" title={info.home}>
          {info.home}
        </span>
      ) : null}
      <span className="spacer" />
      <button className="status-jobs" onClick={onJobsClick} data-testid="jobs-button">
        {running.length === 0 ? 'No running jobs' : `${running.length} running`}
        {first?.total ? <progress max={first.total} value={first.done} /> : null}
      </button>
    </footer>
  );
}
