// The reward breakdown, always in view above the turns.
import type { TrajectoryDetail } from '../../../shared/contract';

const f = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));

export function RewardBar({ detail }: { detail: TrajectoryDetail }) {
  const r = detail.reward;
  const adv = r?.advantage ?? null;
  return (
    <div className="lab-reward" data-testid="reward-bar">
      <span>
        score <b>{f(r?.score, 0)}</b>
      </span>
      <span>
        format <b>{f(r?.format, 0)}</b>
      </span>
      <span>
        penalty <b>{f(r?.penalty)}</b>
      </span>
      <span>
        total <b data-testid="reward-total">{f(r?.total)}</b>
      </span>
      <span>
        advantage <b className={adv === null ? '' : adv > 0 ? 'lab-ok' : adv < 0 ? 'lab-bad' : 'muted'}>{f(adv)}</b>
      </span>
      {detail.zeroVariance ? <span className="lab-flag">zero-variance group</span> : null}
      {detail.rewardError !== null ? (
        <span
          className="lab-flag lab-bad"
          data-testid="reward-error"
          title="The run paused at this step, which was not committed"
        >
          reward spec failed: {detail.rewardError}
        </span>
      ) : null}
      <span className="muted">
        step {detail.step} · group {detail.groupIndex} · sample {detail.sampleIndex} · {detail.endReason}
      </span>
    </div>
  );
}
