// The embedded default: an app opened on an empty data folder builds the demo world in the background, so every
// page has real data to show. A folder that has ever held data, or ever started a job, is left as it is.
import type { Engine } from '../engine/engine';

export function isFreshHome(engine: Engine): boolean {
  const counts = engine.store.repos.stats.counts();
  return counts.datasets === 0 && counts.runs === 0 && counts.jobs === 0 && counts.search_cache === 0;
}

/** Starts the quick demo on a fresh home; returns the job id, or null when the home is not fresh or the demo is off. */
export async function startDemoOnFirstLaunch(engine: Engine, env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  if (env.SEARCHLAB_NO_DEMO === '1' || !isFreshHome(engine)) return null;
  const job = await engine.call('jobs.start', { kind: 'demo.run', params: { quick: true } });
  return job.id;
}
