// One trajectory: the sample (question image, question, gold answer, search-need label; for an imported rollout
// that matched no sample, what its cluster logged), the reward breakdown pinned on top, and its turns as typed
// events; the current turn (←/→) is highlighted and scrolled into view.
import { useEffect, useRef } from 'react';
import type { TrajectoryDetail } from '../../../shared/contract';
import { useImageSrc } from '../datasets/images';
import { trajectoryEvents } from './events';
import { EventView } from './EventViews';
import { RewardBar } from './RewardBar';
import { TokenView } from './TokenView';
import { DecisionBars, useDecisionsOf } from './DecisionBars';
import { ReplayPanel } from './ReplayPanel';
import { useReplay } from './replay-store';
import { revealInPane } from './reveal';

/** The reward bar stays on top of the pane as it scrolls: what it covers is not in view. */
const stickyHeight = (pane: HTMLElement) => pane.querySelector<HTMLElement>('.lab-reward')?.offsetHeight ?? 0;

function QuestionImage({ sha }: { sha: string }) {
  const src = useImageSrc(sha, false);
  return src ? (
    <img className="lab-question-image" src={src} alt="The question's image" data-testid="question-image" />
  ) : (
    <div className="lab-question-image muted">…</div>
  );
}

/** What to call the question image that is not stored: the address the cluster logged, if any. */
function missingImageName(detail: TrajectoryDetail): string {
  if (detail.sample) return 'the sample has no image';
  if (detail.reference) return detail.reference.image ?? 'the cluster named no image';
  return 'no sample is stored for this trajectory';
}

export function TrajectoryPanel({
  detail,
  turn,
  setTurn,
  showTokens,
}: {
  detail: TrajectoryDetail;
  turn: number;
  setTurn(t: number): void;
  showTokens: boolean;
}) {
  const events = trajectoryEvents(detail);
  // An imported rollout that matched no dataset sample shows what its cluster logged instead.
  const gold = detail.sample ? detail.sample.answer : (detail.reference?.answer ?? null);
  const candidates = detail.sample ? detail.sample.candidateAnswers : (detail.reference?.candidateAnswers ?? []);
  const need = detail.sample?.need ?? detail.reference?.need ?? null;
  const decisions = useDecisionsOf(detail.id);
  const replaying = useReplay((s) => s.trajectoryId === detail.id);
  const openReplay = useReplay((s) => s.openAt);
  const turnRefs = useRef<(HTMLDivElement | null)[]>([]);
  const shown = useRef<number | null>(null);
  useEffect(() => {
    const element = turnRefs.current[turn];
    const pane = element?.closest<HTMLElement>('.lab-detail-scroll');
    if (!element || !pane) return;
    const fresh = shown.current !== detail.id;
    shown.current = detail.id;
    // A newly opened trajectory starts at its top (the sample); a turn chosen in it is brought into view.
    if (fresh && turn === 0) pane.scrollTop = 0;
    else revealInPane(element, pane, stickyHeight(pane));
  }, [turn, detail.id]);
  return (
    <div className="lab-panel" data-testid="trajectory-panel" data-trajectory={detail.id}>
      <RewardBar detail={detail} />
      <div className="lab-sample">
        {detail.sample?.imageSha256 ? (
          <QuestionImage sha={detail.sample.imageSha256} />
        ) : (
          <div
            className="lab-question-image muted"
            data-testid="image-missing"
            style={{ overflow: 'hidden', overflowWrap: 'anywhere', padding: 6, fontSize: 12, boxSizing: 'border-box' }}
          >
            image missing: {missingImageName(detail)}
          </div>
        )}
        <div>
          <div className="lab-question" data-testid="sample-question">
            {detail.sample?.question ?? detail.reference?.question ?? detail.question}
          </div>
          <div className="muted" data-testid="sample-gold">
            gold: <b>{gold ?? '—'}</b>
            {candidates.length ? ` (also ${candidates.join(', ')})` : ''} · need: {need ?? 'unlabelled'} · final answer:{' '}
            <b>{detail.finalAnswer ?? '—'}</b>
          </div>
        </div>
      </div>
      {showTokens ? <TokenView detail={detail} /> : null}
      {replaying ? <ReplayPanel detail={detail} /> : null}
      <div className="lab-turn-tabs" role="tablist">
        {detail.turnList.map((t) => (
          <button
            key={t.index}
            role="tab"
            aria-selected={t.index === turn}
            className={`small ${t.index === turn ? '' : 'ghost'}`}
            onClick={() => setTurn(t.index)}
          >
            Turn {t.index + 1}: {t.action ?? '—'}
          </button>
        ))}
      </div>
      {detail.turnList.map((t) => (
        <div
          key={t.index}
          ref={(el) => {
            turnRefs.current[t.index] = el;
          }}
          className={`lab-turn${t.index === turn ? ' current' : ''}`}
          data-testid="turn"
          data-turn={t.index}
          data-current={t.index === turn}
          onClick={() => setTurn(t.index)}
        >
          <div className="lab-turn-title">
            Turn {t.index + 1} of {detail.turnList.length}
            {t.latencyMs !== null ? <span className="muted"> · generated in {Math.round(t.latencyMs)} ms</span> : null}
            {['answer', 'image_search', 'text_search'].includes(t.action ?? '') ? (
              <button
                className="small ghost"
                data-testid="what-if"
                onClick={(e) => {
                  e.stopPropagation();
                  setTurn(t.index);
                  void openReplay(detail.id, t.index);
                }}
              >
                What if… (W)
              </button>
            ) : null}
          </div>
          {decisions
            ?.filter((d) => d.turn === t.index)
            .map((d) => (
              <div key={d.position} className="muted">
                decision: <DecisionBars decision={d} />
              </div>
            ))}
          {events
            .filter((e) => e.turn === t.index && e.kind !== 'reward')
            .map((e, i) => (
              <EventView key={i} event={e} />
            ))}
        </div>
      ))}
      {events
        .filter((e) => e.kind === 'reward')
        .map((e, i) => (
          <EventView key={`r${i}`} event={e} />
        ))}
    </div>
  );
}
