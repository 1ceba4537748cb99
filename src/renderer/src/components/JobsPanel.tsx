import { useJobs, selectJobs, isActive } from '../state/jobs';
import { useShallow } from 'zustand/react/shallow';
import { JobProgress } from './ProgressBar';

/** The jobs drawer: every recent job with its progress bar, and a cancel button for running ones. */
export function JobsPanel({ onClose }: { onClose(): void }) {
  const jobs = useJobs(useShallow(selectJobs));
  const cancel = useJobs((s) => s.cancel);
  return (
    <aside className="drawer" aria-label="Jobs">
      <header className="drawer-head">
        <h2>Jobs</h2>
        <button className="ghost" onClick={onClose} aria-label="Close jobs">
          ✕
        </button>
      </header>
      {jobs.length === 0 ? (
        <p className="muted">No jobs yet. Imports, training and evaluation will appear here.</p>
      ) : null}
      <ul className="job-list">
        {jobs.map((job) => (
          <li key={job.id}>
            <JobProgress job={job} />
            {isActive(job) ? (
              <button className="small" onClick={() => void cancel(job.id)}>
                Cancel
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}
