// Label vs behaviour: each sample's search-need label against what the policy did, at one step (one checkpoint
// of the policy) or over the run. Over-search sits in the search-free row's search columns, under-search in the
// search-needing rows' "no search" column. A cell opens its trajectories in the debugger.
import { useEffect, useState } from 'react';
import type { Behaviour, ConfusionCell } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';

const NEEDS = ['search_free', 'image_search', 'text_search', 'both', 'unsure', 'unknown'];
const DID: { id: Behaviour; title: string }[] = [
  { id: 'none', title: 'no search' },
  { id: 'image', title: 'image only' },
  { id: 'text', title: 'text only' },
  { id: 'both', title: 'image + text' },
];

/** Whether a cell is a wrong search decision (colours it). */
function verdict(need: string, did: Behaviour): 'over' | 'under' | '' {
  if (need === 'search_free' && did !== 'none') return 'over';
  if (['image_search', 'text_search', 'both'].includes(need) && did === 'none') return 'under';
  return '';
}

export function ConfusionMatrix({
  runId,
  steps,
  onOpen,
}: {
  runId: number;
  steps: number[];
  onOpen(step: number | null, need: string, did: Behaviour): void;
}) {
  const [step, setStep] = useState<number | null>(null);
  const [cells, setCells] = useState<ConfusionCell[] | null>(null);
  useEffect(() => {
    setCells(null);
    api.call('trajectories.confusion', { runId, ...(step === null ? {} : { step }) }).then(setCells, reportError);
  }, [runId, step]);
  if (!cells || cells.length === 0) return null;
  const needs = NEEDS.filter((n) => cells.some((c) => c.need === n)).concat(
    [...new Set(cells.map((c) => c.need))].filter((n) => !NEEDS.includes(n)),
  );
  const at = (need: string, did: Behaviour) => cells.find((c) => c.need === need && c.behaviour === did);
  const total = cells.reduce((n, c) => n + c.count, 0);
  const over = cells.filter((c) => verdict(c.need, c.behaviour) === 'over').reduce((n, c) => n + c.count, 0);
  const under = cells.filter((c) => verdict(c.need, c.behaviour) === 'under').reduce((n, c) => n + c.count, 0);
  return (
    <div className="card lab-confusion" data-testid="confusion">
      <h2>Label vs behaviour</h2>
      <div className="row">
        <label htmlFor="cm-step">Step</label>
        <select
          id="cm-step"
          value={step ?? ''}
          onChange={(e) => setStep(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">all steps</option>
          {steps.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="muted">
          {total} trajectories · over-search {over} · under-search {under}
        </span>
      </div>
      <table className="lab-table">
        <thead>
          <tr>
            <th>need ↓ · did →</th>
            {DID.map((d) => (
              <th key={d.id}>{d.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {needs.map((need) => (
            <tr key={need}>
              <th>{need}</th>
              {DID.map((d) => {
                const c = at(need, d.id);
                return (
                  <td key={d.id} className={`lab-cell ${verdict(need, d.id)}`}>
                    {c ? (
                      <button
                        className="small ghost"
                        onClick={() => onOpen(step, need, d.id)}
                        title={`${c.correct} of ${c.count} correct`}
                        data-testid={`cell-${need}-${d.id}`}
                      >
                        {c.count} <span className="muted">({c.correct} ✓)</span>
                      </button>
                    ) : (
                      <span className="muted">0</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
