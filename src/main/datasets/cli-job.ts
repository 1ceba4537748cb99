// Runs one job in the foreground for a CLI command: a progress line on stderr, the finished job back.
import type { Engine } from '../engine/engine';
import type { Job, JobKind } from '../../shared/contract';
import { formatProgressLine } from '../cli/progress';

export async function runJobToEnd(engine: Engine, kind: JobKind, params: Record<string, unknown>, showProgress: boolean): Promise<Job> {
  let stop = () => {};
  const finished = new Promise<Job>((resolve) => {
    let id: number | undefined;
    const early: Job[] = [];
    const settle = (job: Job) => {
      if (showProgress) process.stderr.write(`\r${formatProgressLine(job)}`);
      if (job.status !== 'queued' && job.status !== 'running') {
        stop();
        if (showProgress) process.stderr.write('\n');
        resolve(job);
      }
    };
    stop = engine.subscribe((event) => {
      if (event.event !== 'job.updated') return;
      const job = event.data as Job;
      if (id === undefined) early.push(job);
      else if (job.id === id) settle(job);
    });
    void engine.call('jobs.start', { kind, params }).then((started) => {
      id = started.id;
      for (const job of early) if (job.id === id) settle(job);
    });
  });
  return finished;
}
