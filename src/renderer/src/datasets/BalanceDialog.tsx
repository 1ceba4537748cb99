// The balanced-subset builder: a target share of search-required samples, kept within every data source.
import { useEffect, useRef, useState } from 'react';
import { DatasetSummary, type BalancePlan } from '../../../shared/contract';
import { api } from '../api/client';
import { useToasts } from '../state/toasts';
import { useJobs } from '../state/jobs';
import { JobProgress } from '../components/ProgressBar';
import { Dialog } from './Dialog';
import { useDatasets } from './store';

type LabelSource = 'labels' | 'construction' | 'labels_then_construction';

export function BalanceDialog({ dataset, onClose }: { dataset: DatasetSummary; onClose(): void }) {
  const [percent, setPercent] = useState(67);
  const [size, setSize] = useState('');
  const [seed, setSeed] = useState(1);
  const [labelSource, setLabelSource] = useState<LabelSource>('labels_then_construction');
  const [name, setName] = useState(`${dataset.name}-balanced`);
  const [plan, setPlan] = useState<BalancePlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const select = useDatasets((s) => s.select);
  const loadDatasets = useDatasets((s) => s.loadDatasets);
  const startJob = useJobs((s) => s.start);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJobs((s) => (jobId === null ? undefined : s.byId[jobId]));
  const running = job?.status === 'queued' || job?.status === 'running';

  // When the job has built the subset, show it (once).
  const shown = useRef(false);
  useEffect(() => {
    if (job?.status !== 'succeeded' || shown.current) return;
    shown.current = true;
    const made = DatasetSummary.safeParse(job.result);
    if (!made.success) return;
    useToasts.getState().push('info', `Made “${made.data.name}” with ${made.data.samples.toLocaleString()} samples`);
    void loadDatasets().then(() => {
      select(made.data.id);
      onClose();
    });
  }, [job?.status, job?.result, loadDatasets, select, onClose]);
  const sizeValue = size.trim() === '' ? undefined : Number(size);
  const params = {
    datasetId: dataset.id,
    name: name.trim() || 'x',
    searchRequiredFraction: percent / 100,
    size: sizeValue,
    seed,
    labelSource,
  };

  useEffect(() => {
    let live = true;
    if (sizeValue !== undefined && !(Number.isInteger(sizeValue) && sizeValue > 0))
      return setError('Size must be a positive whole number');
    // Planning scans the whole dataset: wait until the slider rests.
    const timer = setTimeout(() => {
      api.call('datasets.balancePlan', params).then(
        (p) => live && (setPlan(p), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [percent, size, seed, labelSource, dataset.id]);

  return (
    <Dialog title="Build a balanced subset" onClose={onClose}>
      <form
        className="ds-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const started = await startJob('datasets.balance', { ...params, name: name.trim() });
          if (started) setJobId(started.id);
        }}
      >
        <label>
          <span>
            Search-required share: <strong>{percent}%</strong>{' '}
            <span className="muted">(MMSearch-R1 used about 67%)</span>
          </span>
          <input
            type="range"
            min={5}
            max={95}
            value={percent}
            onChange={(e) => setPercent(Number(e.target.value))}
            aria-label="Search-required percent"
          />
        </label>
        <label>
          Search need from
          <select
            value={labelSource}
            onChange={(e) => setLabelSource(e.target.value as LabelSource)}
            aria-label="Search need from"
          >
            <option value="labels_then_construction">Annotators’ majority, else known by construction</option>
            <option value="labels">Annotators’ majority only</option>
            <option value="construction">Known by construction only</option>
          </select>
        </label>
        <div className="ds-form-row">
          <label>
            At most
            <input
              value={size}
              onChange={(e) => setSize(e.target.value)}
              placeholder="as many as possible"
              inputMode="numeric"
              aria-label="Size"
            />
          </label>
          <label>
            Seed
            <input
              type="number"
              value={seed}
              onChange={(e) => setSeed(Number(e.target.value) || 0)}
              aria-label="Seed"
            />
          </label>
        </div>
        <label>
          New dataset name
          <input value={name} onChange={(e) => setName(e.target.value)} required aria-label="New dataset name" />
        </label>
        {error ? <p className="job-error">{error}</p> : null}
        {plan ? (
          <table className="ds-table" data-testid="balance-plan">
            <thead>
              <tr>
                <th>Data source</th>
                <th>Needs search</th>
                <th>Search-free</th>
                <th>Takes (search + free)</th>
              </tr>
            </thead>
            <tbody>
              {plan.strata.map((s) => (
                <tr key={s.dataSource ?? ''}>
                  <td>{s.dataSource ?? <span className="muted">none</span>}</td>
                  <td>{s.required}</td>
                  <td>{s.free}</td>
                  <td>
                    {s.pickRequired} + {s.pickFree}
                  </td>
                </tr>
              ))}
              <tr>
                <td>
                  <strong>Subset</strong>
                </td>
                <td colSpan={2} className="muted">
                  {plan.available.unknown ? `${plan.available.unknown} without a usable label left out` : ''}
                </td>
                <td>
                  <strong>{plan.total.toLocaleString()}</strong>
                </td>
              </tr>
            </tbody>
          </table>
        ) : null}
        <div className="ds-form-actions">
          <button type="submit" disabled={!plan || plan.total === 0 || !!error || running}>
            Create subset
          </button>
          <span className="muted">The new dataset records this recipe.</span>
        </div>
      </form>
      {job ? <JobProgress job={job} /> : null}
    </Dialog>
  );
}
