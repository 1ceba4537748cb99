// Runs one job to its end from a command, with a progress line on stderr (CLI jobs still run in a worker
// thread, exactly as in the app). Ctrl-C cancels the job, which stops at its next safe point.
import type { CliContext } from './command';
import type { Engine } from '../engine/engine';
import type { Job, JobKind } from '../../shared/contract';
import { formatProgressLine } from './progress';

export async function runJobInForeground(engine: Engine, kind: JobKind, params: Record<string, unknown>, ctx: CliContext, quiet = false): Promise<Job> {
  const started = await engine.call('jobs.start', { kind, params });
  const onSignal = () => {
    ctx.err('\nStopping at the next safe point…');
    void engine.call('jobs.cancel', { id: started.id });
  };
  process.once('SIGINT', onSignal);
  let lastMessage: string | null = null;
  try {
    return await new Promise<Job>((resolve) => {
      const stop = engine.subscribe((event) => {
        if (event.event !== 'job.updated') return;
        const job = event.data as Job;
        if (job.id !== started.id) return;
        if (!quiet && process.stderr.isTTY) process.stderr.write(`\r${formatProgressLine(job)}`);
        else if (!quiet && job.message && job.message !== lastMessage) ctx.err(`${formatProgressLine(job)} ${job.message}`);
        lastMessage = job.message;
        if (job.status !== 'queued' && job.status !== 'running') {
          stop();
          if (!quiet && process.stderr.isTTY) process.stderr.write('\n');
          resolve(job);
        }
      });
    });
  } finally {
    process.off('SIGINT', onSignal);
  }
}
