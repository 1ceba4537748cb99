// Model-assisted suggestions: whether they can run (a checkpoint exists), a button that runs them as a job, and
// what the "uncertain first" order is based on.
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { SuggestStatus } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useJobs } from '../state/jobs';
import { JobProgress } from '../components/ProgressBar';

export function SuggestNotice({ datasetId }: { datasetId: number }) {
  const [status, setStatus] = useState<z.infer<typeof SuggestStatus> | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJobs((s) => (jobId === null ? undefined : s.byId[jobId]));
  const start = useJobs((s) => s.start);
  useEffect(() => {
    api.call('datasets.suggestStatus', { datasetId }).then(setStatus, reportError);
  }, [datasetId, job?.status]);
  if (!status) return null;
  return (
    <div className={`ds-suggest ${status.loaded ? '' : 'warn'}`} data-testid="suggest-status">
      <span>{status.message}</span>
      {status.loaded && status.checkpointId !== null ? (
        <button
          className="small"
          disabled={job?.status === 'running' || job?.status === 'queued'}
          onClick={async () => {
            const started = await start('datasets.suggest', { datasetId, checkpointId: status.checkpointId });
            if (started) setJobId(started.id);
          }}
        >
          Suggest labels
        </button>
      ) : null}
      {job ? <JobProgress job={job} /> : null}
    </div>
  );
}
