// The reward editor: edit a spec with live checking and completion, re-score a run's stored trajectories under
// it (advantages recomputed per GRPO group), compare, and save it as a new version.
import { useEffect } from 'react';
import { useReward } from '../reward/store';
import { ExpressionEditor } from '../reward/ExpressionEditor';
import { ConstantsTable } from '../reward/ConstantsTable';
import { RescorePanel } from '../reward/RescorePanel';
import '../reward/reward.css';

export function RewardPage() {
  const { load, loaded, specs, draft, edit, save, check, variables, rescore } = useReward();
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void rescore();
      } else if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rescore, save]);
  if (!loaded)
    return (
      <section className="page">
        <h1>Reward</h1>
      </section>
    );
  return (
    <section className="page rw-page">
      <h1>Reward</h1>
      <div className="card">
        <h2>Spec</h2>
        <div className="row">
          <label htmlFor="rw-load">Start from</label>
          <select
            id="rw-load"
            value=""
            onChange={(e) => {
              const s = specs.find((x) => x.id === Number(e.target.value));
              if (s) edit({ name: s.name, expression: s.expression, constants: s.constants });
            }}
          >
            <option value="">choose a saved spec…</option>
            {specs.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} v{s.version}
              </option>
            ))}
          </select>
        </div>
        <div className="row">
          <label htmlFor="rw-name">Name</label>
          <input id="rw-name" value={draft.name} onChange={(e) => edit({ name: e.target.value })} />
          <label htmlFor="rw-match">Answer match</label>
          <select
            id="rw-match"
            value={draft.answerMatch}
            onChange={(e) => edit({ answerMatch: e.target.value as 'em' | 'subem' })}
          >
            <option value="em">exact match</option>
            <option value="subem">SubEM</option>
          </select>
        </div>
        <ExpressionEditor />
        <ConstantsTable />
        <div className="row">
          <button onClick={() => void save()} disabled={check?.ok === false} data-testid="save-spec">
            Save as new version (Ctrl+S)
          </button>
        </div>
        <details>
          <summary>Variables</summary>
          <dl className="facts">
            {Object.entries(variables).map(([name, doc]) => (
              <div key={name} className="fact-row">
                <dt>
                  <code>{name}</code>
                </dt>
                <dd>{doc}</dd>
              </div>
            ))}
          </dl>
        </details>
      </div>
      <RescorePanel />
    </section>
  );
}
