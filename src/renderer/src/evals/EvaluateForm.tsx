// Start an evaluation: one checkpoint or several (compared side by side), a dataset and split, the policy and the
// baselines to run (`searchlab eval`).
import { useEffect, useState } from 'react';
import type { CheckpointSummary, EvalPolicy } from '../../../shared/contract';
import { JobProgress } from '../components/ProgressBar';
import { useJobs } from '../state/jobs';
import { POLICY_TITLES } from './comparison';
import { useEvals } from './store';

/** A checkpoint by its run and step, or (a model folder of no run, such as the demo's pre-trained model) by its folder. */
export const checkpointLabel = (checkpoint: CheckpointSummary) =>
  checkpoint.runName === null
    ? `model folder ${checkpoint.path.split(/[\\/]/).filter(Boolean).at(-1) ?? checkpoint.path} (checkpoint ${checkpoint.id})`
    : `${checkpoint.runName} · step ${checkpoint.step} (checkpoint ${checkpoint.id})`;

const ALL_POLICIES: EvalPolicy[] = ['policy', 'direct', 'rag'];

/** A whole number above 0 from a text field: undefined when empty, NaN when it is something else. */
function positive(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : NaN;
}

export function EvaluateForm() {
  const checkpoints = useEvals((s) => s.checkpoints);
  const datasets = useEvals((s) => s.datasets);
  const job = useEvals((s) => s.job);
  const run = useEvals((s) => s.run);
  const live = useJobs((s) => (job ? s.byId[job.id] : undefined));
  const [checkpointIds, setCheckpointIds] = useState<number[]>([]);
  const [dataset, setDataset] = useState('');
  const [split, setSplit] = useState('test');
  const [policies, setPolicies] = useState<EvalPolicy[]>(ALL_POLICIES);
  const [limit, setLimit] = useState('');
  const [tokens, setTokens] = useState('');

  const preferred = useEvals((s) => s.preferredCheckpoint);
  /** Whether the checkpoint default was applied: once, so that clearing every checkpoint leaves none picked. */
  const [defaulted, setDefaulted] = useState(false);
  // Defaults once the lists arrive: the checkpoint asked for, else the newest trained one; the first dataset, its test split.
  useEffect(() => {
    if (preferred !== null && checkpoints.some((c) => c.id === preferred)) {
      setCheckpointIds([preferred]);
      setDefaulted(true);
      useEvals.setState({ preferredCheckpoint: null });
    } else if (!defaulted && checkpoints.length) {
      setCheckpointIds([(checkpoints.find((c) => c.runId !== null) ?? checkpoints[0]).id]);
      setDefaulted(true);
    }
  }, [checkpoints, defaulted, preferred]);
  useEffect(() => {
    if (!dataset && datasets.length) setDataset(datasets[0].name);
  }, [datasets, dataset]);
  const splits = datasets.find((d) => d.name === dataset)?.splits ?? [];
  useEffect(() => {
    if (split !== '' && splits.length && !splits.includes(split)) setSplit(splits.includes('test') ? 'test' : '');
  }, [splits, split]);

  const limitValue = positive(limit);
  const tokensValue = positive(tokens);
  const limitError = Number.isNaN(limitValue) ? 'a whole number above 0, or empty for every question' : null;
  const tokensError = Number.isNaN(tokensValue) ? 'a whole number above 0, or empty for the method’s 2048' : null;
  const ready =
    checkpointIds.length > 0 &&
    checkpointIds.length <= 8 &&
    dataset !== '' &&
    policies.length > 0 &&
    !limitError &&
    !tokensError &&
    !job;
  const togglePolicy = (p: EvalPolicy) =>
    setPolicies((current) =>
      current.includes(p) ? current.filter((x) => x !== p) : ALL_POLICIES.filter((x) => x === p || current.includes(x)),
    );

  return (
    <form
      className="card ev-form"
      data-testid="evaluate-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready)
          void run({
            ...(checkpointIds.length === 1 ? { checkpointId: checkpointIds[0] } : { checkpointIds }),
            dataset,
            split: split === '' ? null : split,
            policies,
            limit: limitValue,
            maxTokensPerTurn: tokensValue,
          });
      }}
    >
      <h2>Evaluate checkpoints</h2>
      {checkpoints.length === 0 ? (
        <p className="muted">No checkpoints yet: a training run writes them (and the demo its pre-trained model).</p>
      ) : null}
      <div className="ev-fields">
        <label>
          Checkpoint
          <select
            multiple
            size={Math.min(4, Math.max(2, checkpoints.length))}
            value={checkpointIds.map(String)}
            onChange={(e) => setCheckpointIds(Array.from(e.target.selectedOptions, (o) => Number(o.value)))}
            aria-label="Checkpoint"
            title="Several (Ctrl- or Shift-click, up to 8) are evaluated one after another and compared side by side"
          >
            {checkpoints.map((c) => (
              <option key={c.id} value={c.id}>
                {checkpointLabel(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Dataset
          <select value={dataset} onChange={(e) => setDataset(e.target.value)} aria-label="Dataset">
            {datasets.map((d) => (
              <option key={d.id} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Split
          <select value={split} onChange={(e) => setSplit(e.target.value)} aria-label="Split">
            {splits.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="">every sample</option>
          </select>
        </label>
        <label>
          Questions
          <input
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            placeholder="all"
            inputMode="numeric"
            aria-label="Questions"
            aria-invalid={limitError !== null}
          />
        </label>
        <label>
          Tokens per turn
          <input
            value={tokens}
            onChange={(e) => setTokens(e.target.value)}
            placeholder="2048"
            inputMode="numeric"
            aria-label="Tokens per turn"
            aria-invalid={tokensError !== null}
          />
        </label>
      </div>
      {limitError ? <p className="field-error">Questions: {limitError}</p> : null}
      {tokensError ? <p className="field-error">Tokens per turn: {tokensError}</p> : null}
      <fieldset className="ev-policies">
        <legend>Policies</legend>
        {ALL_POLICIES.map((p) => (
          <label key={p}>
            <input type="checkbox" checked={policies.includes(p)} onChange={() => togglePolicy(p)} /> {POLICY_TITLES[p]}
          </label>
        ))}
      </fieldset>
      <div className="ev-actions">
        <button type="submit" disabled={!ready}>
          Evaluate
        </button>
        {live ? (
          <button type="button" className="small ghost" onClick={() => void useJobs.getState().cancel(live.id)}>
            Cancel
          </button>
        ) : null}
      </div>
      {live ? <JobProgress job={live} /> : null}
    </form>
  );
}
