// Import a file or folder the engine can read (a path on the engine's machine: in browser mode the engine may
// be a remote GPU box), as a job with progress; bad rows are listed with file, row and field.
import { useState } from 'react';
import { ImportResult, type ImportFormat } from '../../../shared/contract';
import { useJobs } from '../state/jobs';
import { JobProgress } from '../components/ProgressBar';
import { Dialog } from './Dialog';
import { PathPicker } from './PathPicker';

export function ImportDialog({ onClose }: { onClose(): void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [skipBad, setSkipBad] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  const start = useJobs((s) => s.start);
  const job = useJobs((s) => (jobId === null ? undefined : s.byId[jobId]));
  const parsed = job?.status === 'succeeded' ? ImportResult.safeParse(job.result) : null;
  const result = parsed?.success ? parsed.data : null;
  const guessName = (p: string) =>
    p
      .split(/[\\/]/)
      .filter(Boolean)
      .pop()
      ?.replace(/\.(parquet|jsonl|ndjson|json|csv)$/i, '') ?? '';

  return (
    <Dialog title="Import a dataset" onClose={onClose}>
      <form
        className="ds-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const started = await start('datasets.import', {
            path: path.trim(),
            dataset: name.trim() || guessName(path.trim()),
            format,
            skipBad,
          });
          if (started) setJobId(started.id);
        }}
      >
        <PathPicker value={path} onChange={setPath} label="Path" placeholder="/data/fvqa/fvqa_train.parquet" />
        <p className="muted">
          A file or folder on the engine’s machine: veRL / FVQA parquet, a folder of HF parquet shards, JSONL, or CSV
          with image paths, URLs or base64.
        </p>
        <label>
          Dataset name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={guessName(path) || 'fvqa-train'}
            aria-label="Dataset name"
          />
        </label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)} aria-label="Format">
            <option value="auto">From the extension</option>
            <option value="parquet">Parquet (veRL or HF)</option>
            <option value="jsonl">JSONL</option>
            <option value="csv">CSV</option>
          </select>
        </label>
        <label className="ds-check">
          <input type="checkbox" checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)} /> Import the good
          rows even if some are bad
        </label>
        <div className="ds-form-actions">
          <button type="submit" disabled={!path.trim() || job?.status === 'running' || job?.status === 'queued'}>
            Import
          </button>
          <span className="muted">Nothing is written unless every row is good (or you tick the box above).</span>
        </div>
      </form>
      {job ? <JobProgress job={job} /> : null}
      {result ? (
        <div className="ds-import-result" data-testid="import-result">
          <p>
            {result.committed
              ? `Imported ${result.imported.toLocaleString()} samples (${result.images.toLocaleString()} images) into “${result.dataset}”.`
              : 'Nothing was imported.'}
            {result.rejected.length ? ` ${result.rejected.length} bad row(s):` : ''}
          </p>
          {result.rejected.length ? (
            <ul className="ds-rejected">
              {result.rejected.slice(0, 200).map((r, i) => (
                <li key={i}>
                  <code>
                    {r.file}
                    {r.row !== null ? ` row ${r.row}` : ''}
                  </code>{' '}
                  <strong>{r.field}</strong>: {r.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
