import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useJobs, selectJobs, isActive } from '../state/jobs';
import { demoJustSucceeded } from '../evals/demo-result';
import { useEvals } from '../evals/store';
import { useNav } from '../state/nav';
import { JobProgress } from './ProgressBar';

/** Opens the Evaluations page on the demo's result when a demo job this window watched succeeds. */
function openEvaluationsWhenDemoSucceeds(): () => void {
  return useJobs.subscribe((state, previous) => {
    if (!demoJustSucceeded(previous.byId, state.byId)) return;
    useEvals.setState({ picked: null });
    void useEvals.getState().load();
    useNav.getState().go('evaluations');
  });
}

/** While the demo world is being built (first launch on an empty data folder), say so above every page; then show its result. */
export function DemoBanner() {
  const job = useJobs(useShallow((s) => selectJobs(s).find((j) => j.kind === 'demo.run' && isActive(j))));
  const cancel = useJobs((s) => s.cancel);
  useEffect(openEvaluationsWhenDemoSucceeds, []);
  if (!job) return null;
  return (
    <div className="demo-banner" role="status" aria-label="Demo world">
      <div>
        <strong>Setting up the demo world.</strong> SearchLab is generating a small world of made-up species,
        pre-training a tiny vision-language model on it and training it with GRPO to search only when it must. Pages
        fill in as each stage lands.
      </div>
      <JobProgress job={job} />
      <button className="small" onClick={() => void cancel(job.id)}>
        Stop
      </button>
    </div>
  );
}
