// Model folders SearchLab knows (the demo's, any added by path): architecture, parameters, dtype, size on disk and
// estimated memory for inference and training against the device. "Add folder" checks a folder without reading its
// weights and says exactly what is wrong with it.
import { useCallback, useEffect, useState } from 'react';
import type { ModelFolder } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useNav } from '../state/nav';
import { useEvals } from '../evals/store';
import { formatBytes } from '../components/format';
import './models.css';

function formatParameters(n: number | null): string {
  if (n === null) return '—';
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : `${(n / 1e6).toFixed(1)}M`;
}

function Fit({ fits, need }: { fits: boolean | null; need: number | null }) {
  if (need === null) return <span className="muted">not available</span>;
  return (
    <span>
      {formatBytes(need)}{' '}
      {fits === null ? null : fits ? (
        <span className="badge fit-ok">fits</span>
      ) : (
        <span className="badge fit-over" title="More than the device has free now">
          too large
        </span>
      )}
    </span>
  );
}

export function ModelsPage() {
  const [models, setModels] = useState<ModelFolder[] | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const go = useNav((s) => s.go);

  const refresh = useCallback(() => {
    api.call('models.list', {}).then(setModels, reportError);
  }, []);
  useEffect(refresh, [refresh]);

  const add = async () => {
    setAdding(true);
    setError(null);
    try {
      await api.call('models.add', { path: path.trim() });
      setPath('');
      refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setAdding(false);
    }
  };

  const device = models?.[0]?.device;
  return (
    <section className="page">
      <h1>Models</h1>
      <form
        className="card models-add"
        data-testid="add-model"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void add();
        }}
      >
        <input
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/Qwen2.5-VL-3B-Instruct (an absolute path)"
          aria-label="Model folder"
        />
        <button type="submit" disabled={adding || !path.trim()}>
          {adding ? 'Checking…' : 'Add folder'}
        </button>
      </form>
      {error ? (
        <div className="card models-error" role="alert" data-testid="add-model-error">
          {error}
        </div>
      ) : null}
      {device ? (
        <p className="muted" data-testid="model-device">
          Estimates are for {device.kind === 'cuda' ? 'the GPU' : 'this machine'} (
          {device.kind === 'cuda' ? 'GPU memory' : 'memory available now'}: {formatBytes(device.bytes)}); inference at
          batch 1 over 8,192 tokens.
        </p>
      ) : null}
      {models && models.length === 0 ? (
        <p className="muted">
          No model folders yet: add a Hugging Face folder (Qwen2.5-VL) by its path, or run the demo.
        </p>
      ) : null}
      {models && models.length > 0 ? (
        <table className="lab-table" data-testid="model-list">
          <thead>
            <tr>
              <th>Id</th>
              <th>Architecture</th>
              <th>Parameters</th>
              <th>Dtype</th>
              <th>On disk</th>
              <th>Inference</th>
              <th>Training</th>
              <th>Folder</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.checkpointId} data-model={m.checkpointId}>
                <td>{m.checkpointId}</td>
                {m.error ? (
                  <td colSpan={6} className="models-error">
                    {m.error}
                  </td>
                ) : (
                  <>
                    <td>{m.architecture}</td>
                    <td data-testid="model-parameters">{formatParameters(m.parameters)}</td>
                    <td>{m.dtype}</td>
                    <td>{formatBytes(m.bytesOnDisk)}</td>
                    <td>
                      <Fit fits={m.fits.inference} need={m.inferenceBytes} />
                    </td>
                    <td>
                      <Fit fits={m.fits.training} need={m.trainingBytes} />
                    </td>
                  </>
                )}
                <td className="models-path">{m.path}</td>
                <td>
                  <button
                    className="small ghost"
                    disabled={m.error !== null}
                    onClick={() => {
                      // the Evaluations form opens on this model's checkpoint
                      useEvals.setState({ preferredCheckpoint: m.checkpointId });
                      go('evaluations');
                    }}
                    title={`Evaluate checkpoint ${m.checkpointId} from the Evaluations page`}
                  >
                    Evaluate…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
