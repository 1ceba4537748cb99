// The runs dashboard: pick runs (several to compare), watch their charts live, click a point to open that
// step's rollouts in the trajectory debugger.
import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { useNav } from '../state/nav';
import { useRuns } from '../runs/store';
import { CHARTS } from '../runs/charts';
import { MetricChart } from '../runs/MetricChart';
import { RunList } from '../runs/RunList';
import { ConfusionMatrix } from '../runs/ConfusionMatrix';
import { useDebugger } from '../trajectories/store';
import { RunControls } from '../runs/RunControls';
import { Checkpoints } from '../runs/Checkpoints';
import { NewRunForm } from '../runs/new-run/NewRunForm';
import { useNewRun } from '../runs/new-run/store';
import { useEvals } from '../evals/store';
import { isTyping } from '../state/keys';
import '../runs/runs.css';
import '../runs/new-run/new-run.css';

const POLL_MS = 2000;

export function RunsPage() {
  const { runs, loaded, selected, metrics, load, select } = useRuns();
  const go = useNav((s) => s.go);
  const newRunOpen = useNewRun((s) => s.open);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        (e.key === 'n' || e.key === 'N') &&
        !isTyping(e.target) &&
        !e.ctrlKey &&
        !e.metaKey &&
        !e.altKey &&
        !useNewRun.getState().open
      ) {
        e.preventDefault();
        void useNewRun.getState().show();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    void load();
    // Poll the list (status, step); a compared run that changed gets its metrics refetched (store.load).
    const timer = setInterval(() => void useRuns.getState().load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  const openStep = (runId: number, step: number) => {
    void useDebugger.getState().open(runId, step);
    go('trajectories');
  };

  if (newRunOpen) return <NewRunForm onStarted={(id) => void load().then(() => select(id, false))} />;
  const newRunButton = (
    <button onClick={() => void useNewRun.getState().show()} title="N">
      New run
    </button>
  );
  if (loaded && runs.length === 0) {
    return (
      <section className="page">
        <header className="nr-head">
          <h1>Runs</h1>
          {newRunButton}
        </header>
        <EmptyState title="No runs yet">
          <p>
            GRPO, SFT and evaluation runs appear here with live charts: reward, accuracy, search ratio (image and text),
            KL, entropy, response length and throughput.
          </p>
          <p>Click a point on a chart to open that step's rollouts.</p>
        </EmptyState>
      </section>
    );
  }
  const compared = selected.map((id) => ({
    id,
    name: runs.find((r) => r.id === id)?.name ?? `run ${id}`,
    series: metrics[id] ?? {},
  }));
  // The one run shown (not a comparison): its controls and checkpoints.
  const shown = compared.length === 1 ? runs.find((r) => r.id === compared[0].id) : undefined;
  return (
    <section className="page lab-runs">
      <header className="nr-head">
        <h1>Runs</h1>
        {newRunButton}
      </header>
      <RunList runs={runs} selected={selected} onSelect={select} />
      {shown ? <RunControls run={shown} /> : null}
      {shown?.kind === 'grpo' ? <Checkpoints run={shown} /> : null}
      <p className="muted">
        Click a run to show it, Ctrl-click or tick to compare. Click a point on a chart to open that step's rollouts.
      </p>
      {compared.length > 0 && compared.every((r) => Object.keys(r.series).length === 0) ? (
        <p className="muted" data-testid="no-charts">
          No step metrics recorded for this run (evaluations record their trajectories and figures only).{' '}
          <button
            className="small ghost"
            onClick={() => {
              void useDebugger.getState().open(compared[0].id, null);
              go('trajectories');
            }}
          >
            Open its trajectories
          </button>{' '}
          <button
            className="small ghost"
            onClick={() =>
              void useEvals
                .getState()
                .showRun(compared[0].id)
                .then(() => go('evaluations'))
            }
          >
            Compare on the Evaluations page
          </button>
        </p>
      ) : null}
      <div className="lab-charts">
        {CHARTS.map((spec) => (
          <MetricChart key={spec.id} spec={spec} runs={compared} onPick={openStep} />
        ))}
      </div>
      {compared.length === 1 ? (
        <ConfusionMatrix
          runId={compared[0].id}
          steps={metrics[compared[0].id]?.reward_mean?.steps ?? []}
          onOpen={(step, need, behaviour) => {
            void useDebugger.getState().open(compared[0].id, step, { need, behaviour });
            go('trajectories');
          }}
        />
      ) : null}
      {compared.length === 1 && metrics[compared[0].id]?.reward_mean ? (
        <details className="card">
          <summary>Steps</summary>
          <div className="lab-step-buttons">
            {metrics[compared[0].id].reward_mean.steps.map((step) => (
              <button key={step} className="small ghost" onClick={() => openStep(compared[0].id, step)}>
                step {step}
              </button>
            ))}
          </div>
        </details>
      ) : null}
    </section>
  );
}
