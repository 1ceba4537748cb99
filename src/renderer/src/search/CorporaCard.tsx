import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useJobs } from '../state/jobs';
import { reportError } from '../state/toasts';
import { JobProgress } from '../components/ProgressBar';
import { useSearch } from './store';

/** The local engine's corpora, and ingesting a folder as a job with a progress bar. */
export function CorporaCard() {
  const corpora = useSearch((s) => s.corpora);
  const loadCorpora = useSearch((s) => s.loadCorpora);
  const startJob = useJobs((s) => s.start);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJobs((s) => (jobId === null ? undefined : s.byId[jobId]));

  useEffect(() => {
    if (job && !['queued', 'running'].includes(job.status)) void loadCorpora();
  }, [job?.status, loadCorpora]);

  return (
    <div className="card sc-corpora">
      <h2>Local corpora</h2>
      {corpora.length === 0 ? (
        <p className="muted" data-testid="no-corpora">
          No local corpus yet. The local engine is the offline default: add a folder of Markdown, HTML, text or JSONL
          documents with their images below, or run <code>searchlab corpus add DIR --name NAME</code>.
        </p>
      ) : (
        <table className="sc-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Documents</th>
              <th className="num">Images</th>
              <th>Status</th>
              <th>Source</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {corpora.map((c) => (
              <tr key={c.id} data-testid="corpus-row">
                <td>{c.name}</td>
                <td className="num">{c.documents.toLocaleString()}</td>
                <td className="num">{c.images.toLocaleString()}</td>
                <td>{c.status}</td>
                <td className="sc-query muted">{c.source ?? ''}</td>
                <td>
                  <button
                    className="ghost small"
                    onClick={async () => {
                      if (!window.confirm(`Delete corpus ${c.name} and its ${c.documents} documents?`)) return;
                      try {
                        await api.call('corpus.delete', { name: c.name });
                        await loadCorpora();
                      } catch (error) {
                        reportError(error);
                      }
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="sc-inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const started = await startJob('corpus.ingest', { dir: dir.trim(), name: name.trim() });
          if (started) setJobId(started.id);
        }}
      >
        <input
          aria-label="Corpus folder"
          placeholder="Folder on the engine's machine, e.g. /data/wiki-pages"
          value={dir}
          onChange={(e) => setDir(e.target.value)}
        />
        <input aria-label="Corpus name" placeholder="name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={!dir.trim() || !name.trim()}>
          Add folder
        </button>
      </form>
      {job ? <JobProgress job={job} /> : null}
    </div>
  );
}
