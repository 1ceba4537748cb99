// Before starting: memory against what the device has, time per step and in all, and the search calls with their cost.
import type { RunEstimate } from '../../../../shared/contract';
import { formatEta } from '../../components/ProgressBar';

const bytes = (n: number | null) =>
  n === null ? '—' : n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
const count = (n: number | null) =>
  n === null
    ? '—'
    : n >= 1e9
      ? `${(n / 1e9).toFixed(2)} B`
      : n >= 1e6
        ? `${(n / 1e6).toFixed(1)} M`
        : n.toLocaleString();

export function EstimateCard({ estimate }: { estimate: RunEstimate | null }) {
  if (!estimate) return <div className="card nr-section muted">The estimate shows once the config is valid.</div>;
  const e = estimate;
  return (
    <div className="card nr-section" data-testid="run-estimate">
      <h2>Estimate</h2>
      <table className="nr-estimate">
        <tbody>
          <tr>
            <th>Memory</th>
            <td className={e.fits === false ? 'field-error' : ''}>
              {bytes(e.trainingBytes)} to train ({count(e.parameters)} parameters) of {bytes(e.deviceBytes)} on{' '}
              {e.device}
              {e.fits === false ? ' — does not fit' : ''}
            </td>
          </tr>
          <tr>
            <th>Time</th>
            <td>
              {e.stepSeconds === null
                ? '—'
                : `${e.stepSeconds.toFixed(2)} s a step (${e.trajectoriesPerStep} trajectories), ${formatEta(e.totalSeconds).replace(' left', '')} in all`}
            </td>
          </tr>
          <tr>
            <th>Search</th>
            <td>
              at most {e.searchCalls.toLocaleString()} calls, ${e.searchCost.toFixed(2)}
            </td>
          </tr>
        </tbody>
      </table>
      {e.notes.map((n) => (
        <p key={n} className="muted nr-hint">
          {n}
        </p>
      ))}
    </div>
  );
}
