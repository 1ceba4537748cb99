// The embedded default: an app opened on an empty data folder builds the demo world in the background, so every
// page has real data to show. A folder that has ever held data, or ever started a job, is left as it is.
import type { Engine } from '../engine';

export function isFreshHome(engine: Engine): boolean {
  const counts = engine.store.repos.stats.counts();
  return counts.datasets === 0 && counts.runs === 0 && counts.jobs === 0 && counts.search_cache === 0;
}

/** The demo was started here before and stopped by a crash or a quit before it finished: it picks up where it was. */
function demoWasInterrupted(engine: Engine): boolean {
  const demos = engine.store.repos.jobs.list(1000).filter((j) => j.kind === 'demo.run');
  return (
    demos.length > 0 &&
    !demos.some((j) => j.status === 'succeeded' || j.status === 'cancelled') &&
    demos[0].status === 'interrupted'
  );
}

/** Starts the quick demo on a fresh home (or resumes one a crash interrupted); returns the job id, or null. */
export async function startDemoOnFirstLaunch(
  engine: Engine,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | null> {
  if (env.SEARCHLAB_NO_DEMO === '1' || !(isFreshHome(engine) || demoWasInterrupted(engine))) return null;
  const job = await engine.call('jobs.start', { kind: 'demo.run', params: { quick: true } });
  return job.id;
}
