// The conversation's tokens coloured by the behaviour policy's log-prob (the probability the model gave the
// token it sampled); tokens masked out of the loss (prompt, tool output, image placeholders) are shaded.
import type { TrajectoryDetail } from '../../../shared/contract';
import { DecisionProbabilitiesView } from './DecisionBars';
import { decisionPoints } from './decisions';

const MAX_TOKENS = 4000;

/** Low probability → warm, high → cool; the colour's alpha keeps it readable on both themes. */
function colour(logprob: number): string {
  const p = Math.exp(logprob);
  const hue = Math.round(p * 210);
  return `hsl(${hue} 80% 50% / 0.35)`;
}

export function TokenView({ detail }: { detail: TrajectoryDetail }) {
  const { ids, lossMask, logprobs, texts } = detail.tokens;
  // Whitespace and newlines made visible, so token boundaries read clearly.
  const label = (i: number) => (texts ? texts[i].replace(/\n/g, '⏎').replace(/ /g, '·') || '∅' : String(ids[i]));
  const shown = Math.min(ids.length, MAX_TOKENS);
  const trained = lossMask.filter((m) => m === 1).length;
  const decisions = decisionPoints(detail);
  const decisionAt = new Map(decisions.map((d) => [d.index, d]));
  const meanLp = trained ? logprobs.reduce((a, lp, i) => a + (lossMask[i] ? lp : 0), 0) / trained : 0;
  return (
    <div className="lab-tokens" data-testid="token-view">
      <div className="muted">
        {ids.length} tokens, {trained} trained on (unshaded) · mean log-prob {meanLp.toFixed(3)} · colour: probability
        of the sampled token (red low → blue high)
      </div>
      {decisions.length ? (
        <div data-testid="decisions">
          Decisions:{' '}
          {decisions.map((d, k) => (
            <span key={d.index} className="lab-decision">
              {k + 1}. {d.choice} with p {d.p.toFixed(3)}
            </span>
          ))}
        </div>
      ) : (
        <div className="muted">No search-or-answer decision was sampled (no action tag in the generated tokens).</div>
      )}
      <DecisionProbabilitiesView detail={detail} />
      <div className="lab-token-grid">
        {ids.slice(0, shown).map((id, i) =>
          lossMask[i] ? (
            <span
              key={i}
              className={`lab-token${decisionAt.has(i) ? ' decision' : ''}`}
              style={{ background: colour(logprobs[i]) }}
              title={
                `#${i} id ${id} · logprob ${logprobs[i].toFixed(3)} · p ${Math.exp(logprobs[i]).toFixed(3)}` +
                (decisionAt.has(i) ? ' · decision: ' + decisionAt.get(i)!.choice : '')
              }
            >
              {label(i)}
            </span>
          ) : (
            <span key={i} className="lab-token masked" title={`#${i} id ${id} · masked out of the loss`}>
              {label(i)}
            </span>
          ),
        )}
        {shown < ids.length ? <span className="muted">… {ids.length - shown} more</span> : null}
      </div>
    </div>
  );
}
