// One dashboard chart (uPlot: canvas, fast with thousands of steps and several runs). Clicking a point
// opens that step's rollouts of the run whose line is nearest the cursor.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSpec } from './charts';
import { alignSeries } from './charts';
import { cssVar, metricDash, runColor, useThemeName } from './theme';
import type { MetricSeries } from './store';

interface Props {
  spec: ChartSpec;
  runs: { id: number; name: string; series: MetricSeries }[];
  onPick(runId: number, step: number): void;
}

export function MetricChart({ spec, runs, onPick }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeName();
  const pick = useRef(onPick);
  pick.current = onPick;
  const { steps, lines } = alignSeries(runs, spec.metrics);

  useEffect(() => {
    const el = host.current;
    if (!el || steps.length === 0) return;
    const text = cssVar('--text');
    const grid = cssVar('--border');
    const runPos = new Map(runs.map((r, i) => [r.id, i]));
    const names = new Map(runs.map((r) => [r.id, r.name]));
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    let focused = 1;
    const opts: uPlot.Options = {
      width: el.clientWidth || 360,
      height: 180,
      cursor: { focus: { prox: 24 }, points: { size: 7 } },
      focus: { alpha: 0.35 },
      legend: { show: true, live: true },
      // Ratios span 0–100%; a flat line gets a small span around it instead of uPlot's 0–100 default.
      scales: {
        x: { time: false },
        y: {
          range: (_u, min, max) =>
            spec.ratio
              ? [Math.min(0, min), Math.max(1, max)]
              : min === max
                ? [min - 1, max + 1]
                : uPlot.rangeNum(min, max, 0.1, true),
        },
      },
      // Steps are whole numbers: tick only on integers.
      axes: [
        { ...axis, label: 'step', labelSize: 16, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
        {
          ...axis,
          size: 52,
          values: spec.ratio ? (_u, vals) => vals.map((v) => `${Math.round(v * 100)}%`) : undefined,
        },
      ],
      series: [
        { label: 'step' },
        ...lines.map((l) => ({
          label: runs.length > 1 ? `${names.get(l.runId)} · ${l.metric}` : l.metric,
          // One run: a colour per metric; compared runs: a colour per run, a dash per metric.
          stroke: runs.length > 1 ? runColor(runPos.get(l.runId)!) : runColor(spec.metrics.indexOf(l.metric)),
          dash: metricDash(spec.metrics.indexOf(l.metric)),
          width: 2,
          spanGaps: true,
          points: { show: steps.length < 60 },
        })),
      ],
      hooks: { setSeries: [(_u, i) => i !== null && (focused = i)] },
    };
    const plot = new uPlot(opts, [steps, ...lines.map((l) => l.values)] as uPlot.AlignedData, el);
    const onClick = () => {
      const idx = plot.cursor.idx;
      if (idx === null || idx === undefined) return;
      const line = lines[Math.max(0, Math.min(lines.length - 1, focused - 1))];
      pick.current(line.runId, steps[idx]);
    };
    plot.over.addEventListener('click', onClick);
    plot.over.style.cursor = 'pointer';
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // Rebuild when the data or theme changes; the JSON key keeps identical data from rebuilding the chart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, JSON.stringify([steps, lines, runs.map((r) => r.name)])]);

  if (steps.length === 0) return null;
  return (
    <div className="lab-chart card" data-testid={`chart-${spec.id}`} data-points={steps.length}>
      <h2>{spec.title}</h2>
      <div ref={host} className="lab-chart-plot" />
    </div>
  );
}
