// Reward histogram before and after re-scoring, bar pairs over shared bins (SVG: a dozen bars need no chart library).
import type { RescoreResult } from '../../../shared/contract';

export function Histogram({ histogram }: { histogram: RescoreResult['histogram'] }) {
  const { edges, before, after } = histogram;
  const max = Math.max(1, ...before, ...after);
  const W = 560;
  const H = 160;
  const slot = W / before.length;
  const bar = (slot - 6) / 2;
  return (
    <figure className="rw-hist" data-testid="histogram">
      <svg viewBox={`0 0 ${W} ${H + 20}`} width="100%" role="img" aria-label="Reward histogram before and after">
        {before.map((b, i) => {
          const a = after[i];
          const hb = (b / max) * H;
          const ha = (a / max) * H;
          return (
            <g key={i}>
              <rect className="rw-before" x={i * slot + 3} y={H - hb} width={bar} height={hb} data-count={b}>
                <title>{`${edges[i].toFixed(2)}–${edges[i + 1].toFixed(2)}: ${b} before`}</title>
              </rect>
              <rect className="rw-after" x={i * slot + 3 + bar} y={H - ha} width={bar} height={ha} data-count={a}>
                <title>{`${edges[i].toFixed(2)}–${edges[i + 1].toFixed(2)}: ${a} after`}</title>
              </rect>
              <text x={i * slot + slot / 2} y={H + 14} textAnchor="middle" className="rw-axis">
                {edges[i].toFixed(2)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        <span className="rw-key rw-before" /> recorded at training <span className="rw-key rw-after" /> under the edited
        spec
      </figcaption>
    </figure>
  );
}
