// Grouped bars as the method's figures draw them: for each figure (accuracy, search ratio, and search ratio by
// data source) one bar per compared policy, its value above it. SVG: a few dozen bars need no chart library.
import type { Column } from './comparison';
import { runColor } from '../runs/theme';

interface Group {
  /** Two lines: the figure, and the data source it is about (if any). */
  label: [string, string];
  values: (number | undefined)[];
}

function groupsOf(columns: readonly Column[]): Group[] {
  const sources = [...new Set(columns.flatMap((c) => Object.keys(c.evaluation.metrics.bySource)))].sort();
  return [
    { label: ['Accuracy', ''], values: columns.map((c) => c.evaluation.metrics.accuracy) },
    { label: ['Search ratio', 'overall'], values: columns.map((c) => c.evaluation.metrics.searchRatio) },
    ...sources.map((s): Group => ({
      label: ['Search ratio', s],
      values: columns.map((c) => c.evaluation.metrics.bySource[s]?.searchRatio),
    })),
  ];
}

const PLOT = 160;
const TOP = 16;
const LEFT = 40;
const percent = (v: number) => `${Math.round(100 * v)}%`;

export function BarChart({ columns }: { columns: Column[] }) {
  const groups = groupsOf(columns);
  const slot = Math.max(130, 30 * columns.length + 30);
  const W = LEFT + slot * groups.length;
  const bar = (slot - 30) / columns.length;
  const y = (v: number) => TOP + PLOT - v * PLOT;
  return (
    <figure className="card ev-chart" data-testid="eval-chart">
      <svg
        viewBox={`0 0 ${W} ${TOP + PLOT + 40}`}
        width="100%"
        style={{ maxWidth: W * 1.3 }}
        role="img"
        aria-label="Accuracy and search ratio by policy"
      >
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line x1={LEFT} x2={W} y1={y(v)} y2={y(v)} className="ev-axis" />
            <text x={LEFT - 6} y={y(v) + 4} textAnchor="end" className="ev-axis-label">
              {percent(v)}
            </text>
          </g>
        ))}
        {groups.map((g, gi) => {
          const x0 = LEFT + gi * slot + 15;
          return (
            <g key={g.label.join(' ')}>
              {g.values.map((v, ci) => (
                <g key={ci}>
                  <rect
                    x={x0 + ci * bar}
                    y={y(v ?? 0)}
                    width={bar - 3}
                    height={(v ?? 0) * PLOT}
                    fill={runColor(ci)}
                    data-value={v ?? ''}
                  >
                    <title>
                      {`${columns[ci].title} (${columns[ci].subtitle}) — ${g.label.join(' ')}: ` +
                        (v === undefined ? '—' : `${(100 * v).toFixed(1)}%`)}
                    </title>
                  </rect>
                  <text
                    x={x0 + ci * bar + (bar - 3) / 2}
                    y={y(v ?? 0) - 3}
                    textAnchor="middle"
                    className="ev-bar-value"
                  >
                    {v === undefined ? '—' : percent(v)}
                  </text>
                </g>
              ))}
              <text x={LEFT + gi * slot + slot / 2} y={TOP + PLOT + 16} textAnchor="middle" className="ev-axis-label">
                {g.label[0]}
              </text>
              <text x={LEFT + gi * slot + slot / 2} y={TOP + PLOT + 30} textAnchor="middle" className="ev-axis-label">
                {g.label[1]}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="ev-legend">
        {columns.map((c, i) => (
          <span key={c.evaluation.id}>
            <span className="lab-swatch" style={{ background: runColor(i) }} />
            {c.title} <span className="muted">({c.subtitle})</span>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
