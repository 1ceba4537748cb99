// Waiting on jobs in tests that drive an Engine in-process.
import { spawnSync } from 'node:child_process';
import type { Engine } from '../../src/main/engine/engine';
import type { Job, JobKind } from '../../src/shared/contract';

/** Resolves once the job has reported some work done (so a cancel lands while it runs). */
export function untilProgress(engine: Engine, jobId: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = engine.subscribe((e) => {
      const j = e.data as Job;
      if (e.event === 'job.updated' && j.id === jobId && j.done > 0) {
        stop();
        resolve();
      }
    });
  });
}

/** Starts a job and resolves with it once the engine has no job left running. */
export async function runJob(engine: Engine, kind: JobKind, params: Record<string, unknown>): Promise<Job> {
  const job = await engine.call('jobs.start', { kind, params });
  await engine.jobs.idle();
  return engine.call('jobs.get', { id: job.id });
}

/** The id of a process that has already exited (for a job row whose process is gone). */
export function exitedProcessId(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}
