// Jobs whose end changes the Evaluations page: the first-launch demo ends in the method's comparison (when a demo
// job this window watched running succeeds, DemoBanner opens the page on its evaluations), and an evaluation run
// elsewhere adds to the list. Pure, so it is tested without a window.
import type { Job } from '../../../shared/contract';

const active = (job: Job | undefined) => job !== undefined && (job.status === 'queued' || job.status === 'running');

/** True when a job of the kind that was queued or running in `before` has succeeded in `after`. */
export function justSucceeded(kind: string, before: Record<number, Job>, after: Record<number, Job>): boolean {
  return Object.values(after).some((job) => job.kind === kind && job.status === 'succeeded' && active(before[job.id]));
}

export const demoJustSucceeded = (before: Record<number, Job>, after: Record<number, Job>) =>
  justSucceeded('demo.run', before, after);
