// One sample across checkpoints: its trajectories in every run (training steps, evaluations of the pre-trained
// and trained policies) side by side. Clicking a column opens that trajectory below.
import type { Result } from '../../../shared/contract';
import { CardFooter, fmt } from './CardFooter';

type Item = Result<'trajectories.bySample'>[number];
const f = fmt;

export function CompareView({
  items,
  current,
  openId,
}: {
  items: Item[];
  current: number | null;
  openId(id: number): void;
}) {
  return (
    <div className="lab-group" data-testid="compare-view">
      <div className="lab-group-head">
        <strong>This sample across runs and checkpoints</strong>
        <span className="muted">{items.length} trajectories</span>
      </div>
      <div className="lab-group-cols">
        {items.map((t) => (
          <button
            key={t.id}
            className={`lab-group-col ghost${t.id === current ? ' current' : ''}`}
            onClick={() => openId(t.id)}
            data-testid="compare-item"
          >
            <div>
              <b>{t.runName}</b>
            </div>
            <div className="muted">
              {t.runKind === 'eval' ? 'evaluation' : `step ${t.step} · group ${t.groupIndex} #${t.sampleIndex}`}
            </div>
            <div>
              reward <b>{f(t.total)}</b> ·{' '}
              {(t.score ?? 0) > 0 ? <span className="lab-ok">correct</span> : <span className="lab-bad">wrong</span>}
            </div>
            <CardFooter t={t} />
          </button>
        ))}
      </div>
    </div>
  );
}
