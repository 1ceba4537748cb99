import type { Job } from '../../shared/contract';

/** "Verify storage [#######.............] 35% 350/1000 eta 4s" for a terminal line. */
export function formatProgressLine(job: Job, width = 24): string {
  const fraction = job.total ? Math.min(1, job.done / job.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const eta = job.etaSeconds === null ? '' : ` eta ${Math.ceil(job.etaSeconds)}s`;
  return `${job.title} [${bar}] ${Math.round(fraction * 100)}% ${job.done}/${job.total ?? '?'}${eta}`;
}
