// Starting, pausing and cancelling a training run. Training is an rl.train job that resumes from the run's last
// committed step, so pausing is stopping that job (the step in flight is dropped, nothing committed is lost) and
// resuming is starting another. A cancelled run is a paused one marked never to resume.
import { ApiError } from '../../shared/protocol';
import type { RunRow } from '../storage/repositories/runs';
import type { EngineContext } from './context';

const ACTIVE = new Set(['queued', 'running']);
const SETTLE_POLL_MS = 100;

export class RunControl {
  constructor(private readonly ctx: EngineContext) {}

  /** The run's training job while it is queued or running (started here, or as an rl.train job by another face). */
  private activeJob(run: RunRow): number | null {
    const recorded = run.jobId === null ? undefined : this.ctx.store.repos.jobs.get(run.jobId);
    if (recorded && ACTIVE.has(recorded.status)) return recorded.id;
    const jobs = this.ctx.store.repos.jobs;
    const other = [...jobs.list(100, 'running'), ...jobs.list(100, 'queued')].find(
      (j) => j.kind === 'rl.train' && j.params.runId === run.id,
    );
    return other?.id ?? null;
  }

  start(run: RunRow): void {
    if (run.kind !== 'grpo')
      throw new ApiError('invalid_params', `Run ${run.id} is an ${run.kind} run: only training runs start`);
    if (run.status === 'finished' || run.status === 'cancelled')
      throw new ApiError('invalid_params', `Run ${run.id} is ${run.status}; it does not start again`);
    if (this.activeJob(run) !== null) throw new ApiError('invalid_params', `Run ${run.id} is already training`);
    const job = this.ctx.jobs.start('rl.train', { runId: run.id });
    this.ctx.store.repos.runs.setStatus(run.id, 'queued', job.id);
  }

  pause(run: RunRow): void {
    const jobId = this.activeJob(run);
    if (jobId === null) throw new ApiError('invalid_params', `Run ${run.id} is not training`);
    this.ctx.jobs.cancel(jobId);
  }

  cancel(run: RunRow): void {
    if (run.status === 'finished') throw new ApiError('invalid_params', `Run ${run.id} has finished`);
    const jobId = this.activeJob(run);
    if (jobId === null) return this.ctx.store.repos.runs.setStatus(run.id, 'cancelled');
    this.ctx.jobs.cancel(jobId);
    // Training marks the run paused as it stops; mark it cancelled once it has.
    const settle = setInterval(() => {
      try {
        const job = this.ctx.store.repos.jobs.get(jobId);
        if (job && ACTIVE.has(job.status)) return;
        this.ctx.store.repos.runs.setStatus(run.id, 'cancelled');
      } catch {
        // The engine closed first: the run stays paused, which is safe.
      }
      clearInterval(settle);
    }, SETTLE_POLL_MS);
    settle.unref();
  }
}
