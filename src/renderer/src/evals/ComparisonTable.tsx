// The comparison table: a column per evaluated policy, a row per figure; a cell opens the trajectories it counts.
import { Fragment } from 'react';
import { formatValue, type Column, type Row } from './comparison';

export function ComparisonTable({
  columns,
  rows,
  onOpen,
}: {
  columns: Column[];
  rows: Row[];
  onOpen(column: Column, row: Row): void;
}) {
  return (
    <table className="lab-table ev-table" data-testid="eval-table">
      <thead>
        <tr>
          <th />
          {columns.map((c) => (
            <th key={c.evaluation.id} data-evaluation={c.evaluation.id}>
              <div>{c.title}</div>
              <div className="muted ev-subtitle">{c.subtitle}</div>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <Fragment key={row.id}>
            {row.section && row.section !== rows[i - 1]?.section ? (
              <tr className="ev-section">
                <th colSpan={columns.length + 1}>{row.section}</th>
              </tr>
            ) : null}
            <tr data-row={row.id}>
              <th scope="row">{row.label}</th>
              {columns.map((c) => (
                <td key={c.evaluation.id} data-evaluation={c.evaluation.id}>
                  <button
                    className="ev-cell"
                    onClick={() => onOpen(c, row)}
                    title="Open these trajectories in the debugger"
                    disabled={c.evaluation.runId === null}
                  >
                    {formatValue(row.value(c.evaluation.metrics), row.format)}
                  </button>
                </td>
              ))}
            </tr>
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
