import type { Job } from '../../../shared/contract';

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

/** A job's progress: determinate when the total is known, else an indeterminate stripe. */
export function JobProgress({ job }: { job: Job }) {
  const fraction = job.total ? Math.min(1, job.done / job.total) : null;
  return (
    <div className="job-progress" data-testid={`job-${job.id}`} data-status={job.status}>
      <div className="job-progress-head">
        <span className="job-title">{job.title}</span>
        <span className={`badge status-${job.status}`}>{job.status}</span>
      </div>
      <div
        className={`progress ${fraction === null && job.status === 'running' ? 'indeterminate' : ''}`}
        role="progressbar"
        aria-label={job.title}
        aria-valuemin={0}
        aria-valuemax={job.total ?? undefined}
        aria-valuenow={job.total ? job.done : undefined}
      >
        <div
          className="progress-fill"
          style={{ width: `${((fraction ?? (job.status === 'succeeded' ? 1 : 0)) * 100).toFixed(1)}%` }}
        />
      </div>
      <div className="job-progress-foot">
        <span>
          {job.done.toLocaleString()}
          {job.total !== null ? ` / ${job.total.toLocaleString()}` : ''}
        </span>
        <span>{job.status === 'running' ? formatEta(job.etaSeconds) : ''}</span>
      </div>
      {job.error ? (
        <div className="job-error">{job.error}</div>
      ) : job.message ? (
        <div className="job-message">{job.message}</div>
      ) : null}
    </div>
  );
}
