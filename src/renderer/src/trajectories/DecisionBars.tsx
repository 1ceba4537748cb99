// Search versus answer at the decision points: the probability a checkpoint gives each action tag right after a
// turn closes its reasoning (computed by a `trajectories.decisions` job), as small bars.
import { useEffect, useState } from 'react';
import type { DecisionAction, DecisionProbability, ReplayOptions, TrajectoryDetail } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useDecisions } from './replay-store';

const LABEL: Record<DecisionAction, string> = {
  image_search: 'image search',
  text_search: 'text search',
  answer: 'answer',
};

export function DecisionBars({ decision }: { decision: DecisionProbability }) {
  return (
    <span data-testid="decision-bars" data-turn={decision.turn}>
      {(Object.keys(LABEL) as DecisionAction[]).map((a) => {
        const p = decision.probabilities[a];
        return (
          <span
            key={a}
            className="lab-prob"
            title={`p(${LABEL[a]}) = ${p.toFixed(4)}${decision.taken === a ? ' · taken' : ''}`}
          >
            {decision.taken === a ? <b>{LABEL[a]}</b> : LABEL[a]}
            <span className="lab-prob-bar">
              <span className="lab-prob-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </span>
            <span data-testid={`p-${a}`}>{p.toFixed(3)}</span>
          </span>
        );
      })}
    </span>
  );
}

/** The computed probabilities of a trajectory, if any (for the turn view). */
export function useDecisionsOf(trajectoryId: number): DecisionProbability[] | null {
  const entry = useDecisions((s) => s.byTrajectory[trajectoryId]);
  return entry && typeof entry === 'object' && 'decisions' in entry ? entry.decisions : null;
}

export function DecisionProbabilitiesView({ detail }: { detail: TrajectoryDetail }) {
  const entry = useDecisions((s) => s.byTrajectory[detail.id]);
  const compute = useDecisions((s) => s.compute);
  const [options, setOptions] = useState<ReplayOptions | null>(null);
  const [checkpointId, setCheckpointId] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    api.call('replay.options', { trajectoryId: detail.id }).then((o) => {
      if (!live) return;
      setOptions(o);
      setCheckpointId(o.defaultCheckpointId ?? o.checkpoints[0]?.id ?? null);
    }, reportError);
    return () => {
      live = false;
    };
  }, [detail.id]);
  return (
    <div data-testid="decision-probabilities">
      <div className="row">
        <span>Search vs answer at each decision point, under</span>
        <select
          aria-label="Checkpoint for probabilities"
          value={checkpointId ?? ''}
          onChange={(e) => setCheckpointId(Number(e.target.value))}
        >
          {options?.checkpoints.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
              {c.id === options.generatedBy
                ? ' (generated it)'
                : c.id === options.defaultCheckpointId
                  ? ' (closest before it)'
                  : ''}
            </option>
          ))}
        </select>
        <button
          className="small"
          disabled={entry === 'running' || checkpointId === null}
          onClick={() => checkpointId !== null && void compute(detail.id, checkpointId)}
          data-testid="decision-probs-compute"
        >
          {entry === 'running' ? 'Computing…' : 'Compute probabilities'}
        </button>
      </div>
      {entry && typeof entry === 'object' && 'error' in entry ? <p className="lab-bad">{entry.error}</p> : null}
      {entry && typeof entry === 'object' && 'decisions' in entry ? (
        entry.decisions.length ? (
          <div>
            <div className="muted">
              under {entry.checkpointLabel}; the three need not sum to 1 (the policy may write something else there)
            </div>
            {entry.decisions.map((d) => (
              <div key={d.position}>
                Turn {d.turn + 1} ({d.sampled ? 'sampled' : 'forced'}, token #{d.position}):{' '}
                <DecisionBars decision={d} />
              </div>
            ))}
          </div>
        ) : (
          <p className="muted">
            No turn closed its reasoning with &lt;/reason&gt;: there is no decision point to score.
          </p>
        )
      ) : null}
    </div>
  );
}
