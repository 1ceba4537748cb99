import { useState } from 'react';
import type { DatasetSummary, ExportFormat } from '../../../shared/contract';
import { useJobs } from '../state/jobs';
import { JobProgress } from '../components/ProgressBar';
import { Dialog } from './Dialog';
import { PathPicker } from './PathPicker';

export function ExportDialog({ dataset, onClose }: { dataset: DatasetSummary; onClose(): void }) {
  const [format, setFormat] = useState<ExportFormat>('verl');
  const [out, setOut] = useState('');
  const [jobId, setJobId] = useState<number | null>(null);
  const start = useJobs((s) => s.start);
  const job = useJobs((s) => (jobId === null ? undefined : s.byId[jobId]));
  return (
    <Dialog title={`Export “${dataset.name}”`} onClose={onClose}>
      <form
        className="ds-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const started = await start('datasets.export', { dataset: dataset.id, format, out: out.trim() });
          if (started) setJobId(started.id);
        }}
      >
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} aria-label="Export format">
            <option value="verl">veRL parquet (for veRL / MMSearch-R1 training)</option>
            <option value="jsonl">JSONL with labels, images in a folder beside it</option>
          </select>
        </label>
        <PathPicker
          value={out}
          onChange={setOut}
          label="Output file"
          placeholder={`/data/${dataset.name}.${format === 'verl' ? 'parquet' : 'jsonl'}`}
        />
        <p className="muted">
          A path on the engine’s machine; an existing file is replaced only when the export has finished.
        </p>
        <div className="ds-form-actions">
          <button type="submit" disabled={!out.trim()}>
            Export
          </button>
        </div>
      </form>
      {job ? <JobProgress job={job} /> : null}
    </Dialog>
  );
}
