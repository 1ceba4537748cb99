// Model folders SearchLab knows (the demo's, any added by path): architecture, parameters, dtype, size on disk and
// estimated memory for inference and training against the device. "Add folder…" picks a folder on the engine's
// machine (the engine may be a remote GPU box), checks it without reading its weights and says exactly what is
// wrong with it.
import { Fragment, useCallback, useEffect, useState } from 'react';
import type { ModelFolder, PretrainingRecord } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useNav } from '../state/nav';
import { useEvals } from '../evals/store';
import { formatBytes } from '../components/format';
import { PathPicker } from '../datasets/PathPicker';
import './models.css';

/** "/models/qwen/" as "/models/qwen" (the picker leaves a separator after a folder it opened); a root stays. */
const withoutTrailingSeparator = (dir: string) => (dir.length > 1 ? dir.replace(/(?<=.)[\\/]+$/, '') : dir);

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

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** A cold start's verdict: whether the skills GRPO builds on were there when its model was handed over. */
function ColdStart({ record, open, toggle }: { record: PretrainingRecord | null; open: boolean; toggle(): void }) {
  if (!record) return <span className="muted">—</span>;
  const last = record.checks.at(-1);
  const short = last ? [!last.copyingPassed && 'copying', !last.knowledgePassed && 'knowledge'].filter(Boolean) : [];
  return (
    <button
      className="small ghost"
      onClick={toggle}
      aria-expanded={open}
      title="What pre-training measured before GRPO started"
      data-testid="cold-start"
    >
      {record.passed ? (
        <span className="badge fit-ok">passed</span>
      ) : (
        <span className="badge fit-over">short of {short.join(' and ')}</span>
      )}{' '}
      {record.checks.length} checks
    </button>
  );
}

/** Each check of a cold start: copying and the knowledge statement, against their thresholds. */
function ColdStartChecks({ record }: { record: PretrainingRecord }) {
  let key = 0;
  const cell = (share: number, threshold: number) => (
    <td key={key++} className={share >= threshold ? 'fit-ok-text' : 'fit-over-text'}>
      {pct(share)}
    </td>
  );
  return (
    <div className="models-cold-start" data-testid="cold-start-checks">
      {!record.passed ? (
        <p role="alert" className="models-error">
          Pre-training ended, after {record.extraRounds} extra round{record.extraRounds === 1 ? '' : 's'}, with a skill
          still short: GRPO started from a model that{' '}
          {record.checks.at(-1)?.copyingPassed
            ? 'cannot yet tell the species it has seen'
            : 'cannot yet copy from search results'}
          .
        </p>
      ) : null}
      <table className="lab-table">
        <thead>
          <tr>
            <th>After</th>
            <th>Copying (RAG; needs {pct(record.thresholds.copying)})</th>
            <th>Familiar, by name (each needs {pct(record.thresholds.knowledge)})</th>
            <th>Familiar, by picture</th>
            <th>Unfamiliar, by name</th>
            <th>Unfamiliar, by picture</th>
            <th title="Pictures of emblems no species wears, each a near twin of a familiar species, called 'not seen': whether the statement holds for species never met, as the test's are. Reported, not checked.">
              Never-shown look-alikes (reported)
            </th>
            <th>Seconds</th>
          </tr>
        </thead>
        <tbody>
          {record.checks.map((c, i) => (
            <tr key={i}>
              <td>
                {c.phase}
                {c.round ? ` +${c.round}` : ''}
              </td>
              {cell(c.figures.copying, record.thresholds.copying)}
              {Object.values(c.figures.knowledge).map((share) => cell(share, record.thresholds.knowledge))}
              <td>{c.figures.unseenLookalikes === undefined ? '—' : pct(c.figures.unseenLookalikes)}</td>
              <td>{c.seconds.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Measured greedily on the training questions: copying is the always-search workflow&apos;s accuracy on species
        the model was not taught; the other columns, how often its first words say truly whether it has seen the
        species. {record.extraRounds} extra rounds ({record.extraSeconds.toFixed(0)} s) of {record.seconds.toFixed(0)}{' '}
        s.
      </p>
    </div>
  );
}

export function ModelsPage() {
  const [models, setModels] = useState<ModelFolder[] | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  /** Whether the "Add folder…" picker is open. */
  const [picking, setPicking] = useState(false);
  const [opened, setOpened] = useState<number | null>(null);
  const go = useNav((s) => s.go);

  const refresh = useCallback(() => {
    api.call('models.list', {}).then(setModels, reportError);
  }, []);
  useEffect(refresh, [refresh]);

  const add = async () => {
    setAdding(true);
    setError(null);
    try {
      await api.call('models.add', { path: withoutTrailingSeparator(path.trim()) });
      setPath('');
      setPicking(false);
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
      {picking ? (
        <form
          className="card models-add"
          data-testid="add-model"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) void add();
          }}
        >
          <PathPicker
            value={path}
            onChange={setPath}
            label="Model folder"
            placeholder="/path/to/Qwen2.5-VL-3B-Instruct (an absolute path on the engine's machine)"
          />
          <button type="submit" disabled={adding || !path.trim()}>
            {adding ? 'Checking…' : 'Add'}
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setPicking(false);
              setError(null);
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <button className="models-add-open" onClick={() => setPicking(true)}>
          Add folder…
        </button>
      )}
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
              <th>Cold start</th>
              <th>Folder</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <Fragment key={m.checkpointId}>
                <tr data-model={m.checkpointId}>
                  <td>{m.checkpointId}</td>
                  {m.error ? (
                    <td colSpan={7} className="models-error">
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
                      <td>
                        <ColdStart
                          record={m.pretraining}
                          open={opened === m.checkpointId}
                          toggle={() => setOpened(opened === m.checkpointId ? null : m.checkpointId)}
                        />
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
                {opened === m.checkpointId && m.pretraining ? (
                  <tr>
                    <td colSpan={10}>
                      <ColdStartChecks record={m.pretraining} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
