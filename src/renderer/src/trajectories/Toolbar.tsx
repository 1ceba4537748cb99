// Run, step and filters of the trajectory list.
import { useEffect, useState } from 'react';
import type { RunSummary } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from '../state/toasts';
import { useDebugger, type Filters } from './store';

type Tri = 'any' | 'yes' | 'no';
const toTri = (v: boolean | undefined): Tri => (v === undefined ? 'any' : v ? 'yes' : 'no');
const fromTri = (v: Tri) => (v === 'any' ? undefined : v === 'yes');

function TriSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: boolean | undefined;
  onChange(v: boolean | undefined): void;
}) {
  return (
    <label className="lab-filter">
      {label}
      <select value={toTri(value)} onChange={(e) => onChange(fromTri(e.target.value as Tri))} aria-label={label}>
        <option value="any">any</option>
        <option value="yes">yes</option>
        <option value="no">no</option>
      </select>
    </label>
  );
}

export function Toolbar() {
  const { runId, steps, step, filters, total, open, setStep, setFilters } = useDebugger();
  const [runs, setRuns] = useState<RunSummary[]>([]);
  useEffect(() => {
    api.call('runs.list', {}).then((list) => {
      setRuns(list);
      if (useDebugger.getState().runId === null && list.length) void open(list[0].id, null);
    }, reportError);
  }, [open]);
  const set = (patch: Filters) => void setFilters({ ...filters, ...patch });
  return (
    <div className="lab-toolbar">
      <label className="lab-filter">
        Run
        <select value={runId ?? ''} onChange={(e) => void open(Number(e.target.value), null)} aria-label="Run">
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label className="lab-filter">
        Step
        <select
          value={step ?? ''}
          onChange={(e) => void setStep(e.target.value === '' ? null : Number(e.target.value))}
          aria-label="Step"
          data-testid="step-select"
        >
          <option value="">all</option>
          {steps.map((s) => (
            <option key={s.step} value={s.step}>
              {s.step} ({s.trajectories}, {s.zeroVarianceGroups}/{s.groups} zero-var)
            </option>
          ))}
        </select>
      </label>
      <TriSelect label="Zero-variance group" value={filters.zeroVariance} onChange={(v) => set({ zeroVariance: v })} />
      <TriSelect label="Searched" value={filters.searched} onChange={(v) => set({ searched: v })} />
      <TriSelect label="Correct" value={filters.correct} onChange={(v) => set({ correct: v })} />
      {filters.need !== undefined || filters.behaviour !== undefined ? (
        <button
          className="small ghost"
          onClick={() => set({ need: undefined, behaviour: undefined })}
          data-testid="cell-filter"
        >
          need {filters.need ?? 'any'} × did {filters.behaviour ?? 'any'} ✕
        </button>
      ) : null}
      {filters.searchKind !== undefined ? (
        <button className="small ghost" onClick={() => set({ searchKind: undefined })} data-testid="search-kind-filter">
          {filters.searchKind} search ✕
        </button>
      ) : null}
      {filters.dataSource !== undefined ? (
        <button className="small ghost" onClick={() => set({ dataSource: undefined })} data-testid="source-filter">
          source {filters.dataSource} ✕
        </button>
      ) : null}
      <span className="muted" data-testid="trajectory-total">
        {total} trajectories
      </span>
    </div>
  );
}
