// Grouped bars as the method's figures draw them: for each figure (accuracy, search ratio, and search ratio by
// data source) one bar per compared policy. SVG: a few dozen bars need no chart library.
import type { Column } from './comparison';
import { runColor } from '../runs/theme';

interface Group {
  label: string;
  values: (number | undefined)[];
}

function groupsOf(columns: readonly Column[]): Group[] {
  const sources = [...new Set(columns.flatMap((c) => Object.keys(c.evaluation.metrics.bySource)))].sort();
  return [
    { label: 'Accuracy', values: columns.map((c) => c.evaluation.metrics.accuracy) },
    { label: 'Search ratio', values: columns.map((c) => c.evaluation.metrics.searchRatio) },
    ...sources.map((s) => ({ label: `Search · ${s}`, values: columns.map((c) => c.evaluation.metrics.bySource[s]?.searchRatio) })),
  ];
}

export function BarChart({ columns }: { columns: Column[] }) {
  const groups = groupsOf(columns);
  const H = 160;
  const slot = Math.max(90, 24 * columns.length + 24);
  const W = slot * groups.length;
  const bar = (slot - 24) / columns.length;
  return (
    <figure className="card ev-chart" data-testid="eval-chart">
      <svg viewBox={`0 0 ${W} ${H + 34}`} width="100%" style={{ maxWidth: W * 1.4 }} role="img" aria-label="Accuracy and search ratio by policy">
        <line x1={0} x2={W} y1={H} y2={H} className="ev-axis" />
        {groups.map((g, gi) => (
          <g key={g.label}>
            {g.values.map((v, ci) => {
              const h = (v ?? 0) * H;
              return (
                <rect key={ci} x={gi * slot + 12 + ci * bar} y={H - h} width={bar - 2} height={h} fill={runColor(ci)} data-value={v ?? ''}>
                  <title>{`${columns[ci].title} (${columns[ci].subtitle}) — ${g.label}: ${v === undefined ? '—' : `${(100 * v).toFixed(1)}%`}`}</title>
                </rect>
              );
            })}
            <text x={gi * slot + slot / 2} y={H + 14} textAnchor="middle" className="ev-axis-label">
              {g.label}
            </text>
          </g>
        ))}
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
