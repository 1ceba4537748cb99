// The runs to choose from: click selects one, Ctrl/⌘-click or the checkbox adds it to the comparison.
import type { RunSummary } from '../../../shared/contract';
import { runColor } from './theme';

const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));

export function RunList({
  runs,
  selected,
  onSelect,
}: {
  runs: RunSummary[];
  selected: number[];
  onSelect(id: number, compare: boolean): void;
}) {
  return (
    <table className="lab-table" data-testid="run-list">
      <thead>
        <tr>
          <th aria-label="compare" />
          <th>Run</th>
          <th>Kind</th>
          <th>Status</th>
          <th>Step</th>
          <th>Reward</th>
          <th>Accuracy</th>
          <th>Search</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const pos = selected.indexOf(r.id);
          return (
            <tr
              key={r.id}
              className={pos >= 0 ? 'selected' : ''}
              onClick={(e) => onSelect(r.id, e.ctrlKey || e.metaKey)}
              data-run={r.id}
            >
              <td onClick={(e) => e.stopPropagation()}>
                <input
                  type="checkbox"
                  aria-label={`Compare ${r.name}`}
                  checked={pos >= 0}
                  onChange={() => onSelect(r.id, true)}
                />
              </td>
              <td>
                {pos >= 0 ? <span className="lab-swatch" style={{ background: runColor(pos) }} /> : null}
                {r.name}
              </td>
              <td>{r.kind}</td>
              <td>
                <span className={`chip status-${r.status}`}>{r.status}</span>
              </td>
              <td>
                {r.step}
                {r.steps ? ` / ${r.steps}` : ''}
              </td>
              <td>{fmt(r.last.reward_mean)}</td>
              <td>{fmt(r.last.accuracy)}</td>
              <td>{fmt(r.last.search_ratio)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
