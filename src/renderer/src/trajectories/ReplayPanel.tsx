// "What if…": at a decision point, force the other choice and let a checkpoint continue; the outcome (turns,
// answer) and its reward breakdown beside the original's. The search cache is replay-only by default, so a replay
// costs nothing; a search not in the cache shows as the tool error the model saw.
import type { CacheMode, DecisionAction, TrajectoryDetail, TurnDetail } from '../../../shared/contract';
import { EventView } from './EventViews';
import { turnEvents } from './events';
import { fmt } from './CardFooter';
import { useReplay, useReplayJob } from './replay-store';

const ACTION: Record<DecisionAction, string> = {
  answer: 'answer',
  image_search: 'image search',
  text_search: 'text search',
};
const CACHE_MODES: { mode: CacheMode; label: string }[] = [
  { mode: 'replay-only', label: 'replay-only (free: a miss is a tool error)' },
  { mode: 'cache-first', label: 'cache-first (live on a miss)' },
  { mode: 'live', label: 'live (always call)' },
];

function Outcome({
  title,
  turns,
  from,
  answer,
  end,
  reward,
  testId,
}: {
  title: string;
  turns: TurnDetail[];
  from: number;
  answer: string | null;
  end: string | null;
  reward: { total: number | null; score: number | null; format: number | null; penalty: number | null } | null;
  testId: string;
}) {
  return (
    <div className="lab-replay-col" data-testid={testId}>
      <div className="lab-replay-title">
        <strong>{title}</strong>
      </div>
      <div className="lab-reward" data-testid={`${testId}-reward`}>
        <span>
          score <b>{fmt(reward?.score ?? null)}</b>
        </span>
        <span>
          format <b>{fmt(reward?.format ?? null)}</b>
        </span>
        <span>
          penalty <b>{fmt(reward?.penalty ?? null)}</b>
        </span>
        <span>
          total <b data-testid={`${testId}-total`}>{fmt(reward?.total ?? null)}</b>
        </span>
      </div>
      <div className="muted">
        {turns.length} turns · ended: {end ?? '—'}
      </div>
      <div className="lab-answer" title={answer ?? ''}>
        answer: <b data-testid={`${testId}-answer`}>{answer ?? '—'}</b>
      </div>
      {turns
        .filter((t) => t.index >= from)
        .map((t) => (
          <div key={t.index} className="lab-turn" data-testid={`${testId}-turn`} data-action={t.action ?? ''}>
            <div className="lab-turn-title">Turn {t.index + 1}</div>
            {turnEvents(t)
              .filter((e) => e.kind !== 'prompt' || t.index > from)
              .map((e, i) => (
                <EventView key={i} event={e} />
              ))}
          </div>
        ))}
    </div>
  );
}

export function ReplayPanel({ detail }: { detail: TrajectoryDetail }) {
  const { turn, options, force, checkpointId, cacheMode, replay, history, error, set, run, show, close } = useReplay();
  const job = useReplayJob();
  const running = job !== null && (job.status === 'queued' || job.status === 'running');
  const decision = options?.decisions.find((d) => d.turn === turn) ?? null;
  return (
    <div className="lab-group lab-replay" data-testid="replay-panel">
      <div className="lab-group-head">
        <strong>What if… at turn {turn + 1}</strong>
        {decision ? <span className="muted">the policy chose {ACTION[decision.action]} here</span> : null}
        <button className="small ghost" onClick={close} title="Close (Esc)">
          ✕
        </button>
      </div>
      {options && !decision ? (
        <p className="muted">Turn {turn + 1} is no decision point: its action was neither a search nor an answer.</p>
      ) : null}
      {decision && decision.alternatives.length === 0 ? (
        <p className="muted">No other choice here: the search budget is spent.</p>
      ) : null}
      {decision && decision.alternatives.length ? (
        <div className="row lab-replay-controls">
          <label>
            Instead{' '}
            <select
              aria-label="Force"
              data-testid="replay-force"
              value={force ?? ''}
              onChange={(e) => set({ force: e.target.value as DecisionAction })}
            >
              {decision.alternatives.map((a) => (
                <option key={a} value={a}>
                  {ACTION[a]}
                </option>
              ))}
            </select>
          </label>
          <label>
            with{' '}
            <select
              aria-label="Checkpoint"
              data-testid="replay-checkpoint"
              value={checkpointId ?? ''}
              onChange={(e) => set({ checkpointId: Number(e.target.value) })}
            >
              {options!.checkpoints.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                  {c.id === options!.generatedBy
                    ? ' (generated it)'
                    : c.id === options!.defaultCheckpointId
                      ? ' (closest before it)'
                      : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            search cache{' '}
            <select
              aria-label="Search cache"
              data-testid="replay-cache"
              value={cacheMode}
              onChange={(e) => set({ cacheMode: e.target.value as CacheMode })}
            >
              {CACHE_MODES.map((m) => (
                <option key={m.mode} value={m.mode}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          <button
            onClick={() => void run()}
            disabled={running || force === null || checkpointId === null}
            data-testid="replay-run"
          >
            {running ? 'Replaying…' : 'Replay'}
          </button>
        </div>
      ) : null}
      {options && options.checkpoints.length === 0 ? (
        <p className="muted">No checkpoints stored: a replay needs a policy to continue.</p>
      ) : null}
      {running ? (
        <p className="muted" data-testid="replay-progress">
          {job?.message ?? 'Starting…'}
        </p>
      ) : null}
      {error ? (
        <p className="lab-bad" data-testid="replay-error">
          {error}
        </p>
      ) : null}
      {replay ? (
        <div className="lab-replay-cols" data-testid="replay-result">
          <Outcome
            title={`Original: ${decision ? ACTION[decision.action] : (detail.turnList[replay.turn]?.action ?? '—')} at turn ${replay.turn + 1}`}
            turns={detail.turnList}
            from={replay.turn}
            answer={detail.finalAnswer}
            end={detail.endReason}
            reward={detail.reward}
            testId="replay-original"
          />
          <Outcome
            title={
              `What if: ${ACTION[replay.forced]} at turn ${replay.turn + 1} · ${replay.outcome.checkpointLabel}` +
              ` · cache ${replay.cacheMode}` +
              (replay.outcome.toolErrors ? ` · ${replay.outcome.toolErrors} tool error(s)` : '')
            }
            turns={replay.outcome.turns}
            from={replay.turn}
            answer={replay.outcome.finalAnswer}
            end={replay.outcome.endReason}
            reward={replay.outcome.reward}
            testId="replay-outcome"
          />
        </div>
      ) : null}
      {history.length ? (
        <div className="muted lab-replay-history">
          Earlier replays:{' '}
          {history.map((r) => (
            <button
              key={r.id}
              className={`small ${r.id === replay?.id ? '' : 'ghost'}`}
              onClick={() => show(r)}
              data-testid="replay-history-item"
            >
              #{r.id} turn {r.turn + 1}: {ACTION[r.forced]} → {fmt(r.outcome.reward.total)}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
