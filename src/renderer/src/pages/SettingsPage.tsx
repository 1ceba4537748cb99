import { useEffect, useState } from 'react';
import type { StorageStats } from '../../../shared/contract';
import { api } from '../api/client';
import { useConnection } from '../state/connection';
import { useSettings } from '../state/settings';
import { useJobs } from '../state/jobs';
import { reportError } from '../state/toasts';
import { JobProgress } from '../components/ProgressBar';
import { SearchSettingsSection } from '../search/SearchSettingsSection';
import { formatBytes } from '../components/format';

export function SettingsPage() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const info = useConnection((s) => s.info);
  const startJob = useJobs((s) => s.start);
  const [stats, setStats] = useState<StorageStats | null>(null);
  const [verifyJobId, setVerifyJobId] = useState<number | null>(null);
  const verifyJob = useJobs((s) => (verifyJobId === null ? undefined : s.byId[verifyJobId]));

  useEffect(() => {
    api.call('storage.stats', {}).then(setStats, reportError);
  }, [verifyJob?.status]);

  return (
    <section className="page">
      <h1>Settings</h1>
      <div className="card">
        <h2>Appearance</h2>
        <label className="row">
          Theme
          <select
            value={settings?.theme ?? 'system'}
            onChange={(e) => void update({ theme: e.target.value as 'light' | 'dark' | 'system' })}
            aria-label="Theme"
          >
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label className="row">
          Annotator name
          <input
            defaultValue={settings?.annotator ?? ''}
            key={settings?.annotator}
            onBlur={(e) => void update({ annotator: e.target.value })}
            placeholder="Your name, for labels"
          />
        </label>
      </div>
      <div className="card">
        <h2>Compute</h2>
        {info ? (
          <dl className="facts">
            <dt>Device</dt>
            <dd>
              {info.device.kind.toUpperCase()} — {info.device.name}
            </dd>
            {info.device.notice ? (
              <>
                <dt>Notice</dt>
                <dd className="warn">{info.device.notice}</dd>
              </>
            ) : null}
            <dt>Engine</dt>
            <dd>
              SearchLab {info.version}, Node {info.node}
            </dd>
          </dl>
        ) : (
          <p className="muted">Connecting…</p>
        )}
      </div>
      <SearchSettingsSection />
      <div className="card">
        <h2>Storage</h2>
        {stats ? (
          <dl className="facts" data-testid="storage-stats">
            <dt>Database</dt>
            <dd>
              {stats.path} ({formatBytes(stats.bytes)}, schema {stats.schemaVersion})
            </dd>
            {Object.entries(stats.counts).map(([table, n]) => (
              <div key={table} className="fact-row">
                <dt>{table}</dt>
                <dd>{n.toLocaleString()}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <button
          onClick={async () => {
            const job = await startJob('storage.verify');
            if (job) setVerifyJobId(job.id);
          }}
        >
          Verify stored images
        </button>
        {verifyJob ? <JobProgress job={verifyJob} /> : null}
      </div>
    </section>
  );
}
