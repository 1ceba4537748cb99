// The first-launch demo ends in the method's comparison: when a demo job this window watched running succeeds,
// the Evaluations page opens on its evaluations (see DemoBanner). Pure, so it is tested without a window.
import type { Job } from '../../../shared/contract';

const active = (job: Job | undefined) => job !== undefined && (job.status === 'queued' || job.status === 'running');

/** True when a demo job that was queued or running in `before` has succeeded in `after`. */
export function demoJustSucceeded(before: Record<number, Job>, after: Record<number, Job>): boolean {
  return Object.values(after).some((job) => job.kind === 'demo.run' && job.status === 'succeeded' && active(before[job.id]));
}
