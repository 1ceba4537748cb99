// A GRPO group: the n samples of one prompt at one step side by side, with rewards and advantages.
// A group whose samples all scored the same gives no gradient and is flagged.
import type { GroupView as Group } from './store';
import { CardFooter, fmt } from './CardFooter';

const f = fmt;

export function GroupView({
  group,
  openId,
  current,
}: {
  group: Group;
  openId(id: number): void;
  current: number | null;
}) {
  return (
    <div className="lab-group" data-testid="group-view">
      <div className="lab-group-head">
        <strong>
          Group {group.groupIndex} at step {group.step}
        </strong>
        <span className="muted">
          {group.items.length} samples · mean {f(group.mean)} · std {f(group.std)}
        </span>
        {group.zeroVariance ? (
          <span className="lab-flag" data-testid="zero-variance-flag">
            zero variance: no gradient
          </span>
        ) : null}
      </div>
      <div className="lab-group-cols">
        {group.items.map((t) => (
          <button
            key={t.id}
            className={`lab-group-col ghost${t.id === current ? ' current' : ''}`}
            onClick={() => openId(t.id)}
            data-testid="group-sample"
          >
            <div>
              <b>#{t.sampleIndex}</b> <span className="muted">{t.endReason}</span>
            </div>
            <div>
              reward <b>{f(t.total)}</b>
            </div>
            <div>
              advantage{' '}
              <b className={(t.advantage ?? 0) > 0 ? 'lab-ok' : (t.advantage ?? 0) < 0 ? 'lab-bad' : 'muted'}>
                {f(t.advantage)}
              </b>
            </div>
            <CardFooter t={t} />
          </button>
        ))}
      </div>
    </div>
  );
}
