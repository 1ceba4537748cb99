// New run: the model, data, reward, search, rollout, GRPO and runtime settings of a GRPO run, each field showing
// the method's default and the config's own error as you type; an estimate; the config as the CLI takes it.
import { useEffect, type ReactNode } from 'react';
import type { RunConfigIssue } from '../../../../shared/contract';
import { reportError, useToasts } from '../../state/toasts';
import { checkpointLabel } from '../../evals/EvaluateForm';
import { SECTIONS, getPath, showValue, type Field } from './fields';
import { useNewRun } from './store';
import { configOf, issuesAt } from './config';
import { EstimateCard } from './EstimateCard';
import { copyText } from '../../state/clipboard';

/** An issue belongs to the field of its path or of a path above it (`model.checkpoint` under Model). */
const isUnder = (issue: RunConfigIssue, path: string) => issuesAt([issue], path).length > 0;

function FieldError({ path, issues }: { path: string; issues: RunConfigIssue[] }) {
  const mine = issuesAt(issues, path);
  if (mine.length === 0) return null;
  return (
    <span className="field-error" data-testid="field-error" data-field={path}>
      {path}: {mine.map((i) => i.message).join('; ')}
    </span>
  );
}

function Labelled({
  label,
  path,
  issues,
  children,
  hint,
}: {
  label: string;
  path: string;
  issues: RunConfigIssue[];
  children: ReactNode;
  hint?: string;
}) {
  return (
    <label className="nr-field" data-field={path}>
      <span>{label}</span>
      {children}
      {hint ? <span className="muted nr-hint">{hint}</span> : null}
      <FieldError path={path} issues={issues} />
    </label>
  );
}

function FieldInput({ field }: { field: Field }) {
  const value = useNewRun((s) => s.draft[field.path]);
  const fallback = useNewRun((s) => getPath(s.defaults, field.path));
  const type = useNewRun((s) => s.type);
  // marked as its error text reads: an issue at the field or under it
  const invalid = useNewRun((s) => issuesAt(s.issues, field.path).length > 0);
  if (field.kind === 'bool')
    return (
      <input
        type="checkbox"
        checked={value === undefined ? fallback !== false : value === true}
        onChange={(e) => type(field.path, e.target.checked)}
        aria-label={field.label}
      />
    );
  if (field.kind === 'choice')
    return (
      <select
        value={String(value ?? fallback ?? field.options![0])}
        onChange={(e) => type(field.path, e.target.value)}
        aria-label={field.label}
        aria-invalid={invalid}
      >
        {field.options!.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  return (
    <input
      value={typeof value === 'string' ? value : ''}
      placeholder={showValue(fallback)}
      onChange={(e) => type(field.path, e.target.value)}
      aria-label={field.label}
      aria-invalid={invalid}
      inputMode="decimal"
    />
  );
}

/** The Model select's value for a model folder given by path (a copied run's `model.path`). */
const MODEL_PATH = 'path';

export function NewRunForm({ onStarted }: { onStarted(runId: number): void }) {
  const s = useNewRun();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && useNewRun.getState().hide();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const splits = s.datasets.find((d) => d.name === s.choices.dataset)?.splits ?? [];
  const json = JSON.stringify(s.config ?? configOf(s), null, 2);
  const fieldPaths = [
    'name',
    'model',
    'dataset',
    'split',
    'search.corpus',
    'reward',
    ...SECTIONS.flatMap((x) => x.fields.map((f) => f.path)),
  ];
  const other = s.issues.filter((i) => !fieldPaths.some((p) => isUnder(i, p)));
  const copy = () =>
    copyText(json).then(
      () => useToasts.getState().push('info', 'Copied the run config (searchlab train --config FILE)'),
      () => reportError(new Error('The clipboard is not available here: select the JSON and copy it')),
    );

  return (
    <section className="page nr-page" data-testid="new-run">
      <header className="nr-head">
        <h1>New run</h1>
        <button className="ghost" onClick={s.hide}>
          Back to runs (Esc)
        </button>
      </header>
      <div className="card nr-section">
        <h2>Model and data</h2>
        <div className="nr-grid">
          <label className="nr-field">
            <span>Settings</span>
            <select
              value={s.copied?.runId ?? ''}
              onChange={(e) => void s.copyFrom(e.target.value === '' ? null : Number(e.target.value))}
              aria-label="Settings"
            >
              <option value="">the method's defaults</option>
              {s.runs.map((r) => (
                <option key={r.id} value={r.id}>
                  as run “{r.name}” (model, data, templates, reward, every field)
                </option>
              ))}
            </select>
            <span className="muted nr-hint">
              starts as the run the model came from or was trained from: a model pre-trained on its own prompt templates
              (the demo's) needs its run's
            </span>
          </label>
          <Labelled label="Name" path="name" issues={s.issues}>
            <input value={s.choices.name} onChange={(e) => s.choose({ name: e.target.value })} aria-label="Name" />
          </Labelled>
          <Labelled
            label="Model"
            path="model"
            issues={s.issues}
            hint="a checkpoint, or a model folder (the demo's: demo-pretrained)"
          >
            <select
              value={s.choices.modelPath !== null ? MODEL_PATH : (s.choices.checkpointId ?? '')}
              onChange={(e) =>
                e.target.value !== MODEL_PATH && s.choose({ checkpointId: Number(e.target.value), modelPath: null })
              }
              aria-label="Model"
              aria-invalid={issuesAt(s.issues, 'model').length > 0}
            >
              {s.choices.modelPath !== null ? (
                <option value={MODEL_PATH}>folder {s.choices.modelPath} (as in the copied run)</option>
              ) : null}
              {s.checkpoints.map((c) => (
                <option key={c.id} value={c.id}>
                  {checkpointLabel(c)}
                </option>
              ))}
            </select>
          </Labelled>
          <Labelled label="Dataset" path="dataset" issues={s.issues}>
            <select
              value={s.choices.dataset}
              onChange={(e) => s.choose({ dataset: e.target.value })}
              aria-label="Dataset"
            >
              {s.datasets.map((d) => (
                <option key={d.id}>{d.name}</option>
              ))}
            </select>
          </Labelled>
          <Labelled label="Split" path="split" issues={s.issues}>
            <select value={s.choices.split} onChange={(e) => s.choose({ split: e.target.value })} aria-label="Split">
              {[...new Set([...splits, s.choices.split])].map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          </Labelled>
          <Labelled label="Search corpus" path="search.corpus" issues={s.issues}>
            <select
              value={s.choices.corpus}
              onChange={(e) => s.choose({ corpus: e.target.value })}
              aria-label="Search corpus"
            >
              <option value="">as in the search settings</option>
              {s.corpora.map((c) => (
                <option key={c.name}>{c.name}</option>
              ))}
            </select>
          </Labelled>
          <Labelled label="Reward spec" path="reward" issues={s.issues}>
            <select
              value={s.choices.reward}
              onChange={(e) => s.choose({ reward: e.target.value })}
              aria-label="Reward spec"
            >
              <option value="default">the method's (mmsearch-r1 v1)</option>
              {s.copied ? <option value="copied">as in the copied run</option> : null}
              {s.specs.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name} v{x.version}
                </option>
              ))}
            </select>
          </Labelled>
        </div>
      </div>
      {SECTIONS.map((section) => (
        <div key={section.title} className="card nr-section">
          <h2>{section.title}</h2>
          <div className="nr-grid">
            {section.fields.map((f) => (
              <Labelled key={f.path} label={f.label} path={f.path} issues={s.issues} hint={f.hint}>
                <FieldInput field={f} />
              </Labelled>
            ))}
            {section.title.startsWith('Runtime') ? (
              <div className="nr-field">
                <span>Device</span>
                <span data-testid="run-device">
                  {s.device ? `${s.device.kind === 'cuda' ? 'GPU' : 'CPU'}: ${s.device.name}` : '…'}
                </span>
                <span className="muted nr-hint">
                  {s.device?.notice ?? 'the engine’s (SEARCHLAB_DEVICE=cpu|cuda chooses)'}
                </span>
              </div>
            ) : null}
          </div>
        </div>
      ))}
      {other.length ? (
        <div className="card nr-section" data-testid="other-issues">
          {other.map((i) => (
            <p key={i.path + i.message} className="field-error">
              {i.path || 'config'}: {i.message}
            </p>
          ))}
        </div>
      ) : null}
      <EstimateCard estimate={s.config ? s.estimate : null} />
      <details className="card nr-section">
        <summary>Config as JSON (searchlab train --config FILE)</summary>
        <button className="small ghost" onClick={() => void copy()}>
          Copy
        </button>
        <pre className="nr-json" data-testid="run-config-json">
          {json}
        </pre>
      </details>
      <div className="nr-actions">
        <button
          disabled={!s.config || s.starting}
          onClick={() => void s.start().then((id) => id !== null && onStarted(id))}
        >
          Start training
        </button>
        <span className="muted" data-testid="run-config-status">
          {s.config
            ? 'The config is valid.'
            : s.issues.length
              ? `${s.issues.length} field${s.issues.length > 1 ? 's' : ''} to fix`
              : 'Checking…'}
        </span>
      </div>
    </section>
  );
}
