// Runs one job to its end from a command, with a progress line on stderr (CLI jobs run in their own
// process, exactly as in the app). Ctrl-C cancels the job, which stops at its next safe point.
import type { CliContext } from './command';
import type { Engine } from '../engine';
import type { Job, JobKind } from '../../shared/contract';
import { formatProgressLine } from './progress';

export async function runJobInForeground(
  engine: Engine,
  kind: JobKind,
  params: Record<string, unknown>,
  ctx: CliContext,
  quiet = false,
): Promise<Job> {
  let id: number | undefined;
  const onSignal = () => {
    ctx.err('\nStopping at the next safe point…');
    if (id !== undefined) void engine.call('jobs.cancel', { id });
  };
  process.once('SIGINT', onSignal);
  let lastMessage: string | null = null;
  let stop = () => {};
  try {
    return await new Promise<Job>((resolve, reject) => {
      // Subscribe before starting, keeping what arrives before the job's id is known (a fast job can end first).
      const early: Job[] = [];
      const settle = (job: Job) => {
        if (!quiet && process.stderr.isTTY) process.stderr.write(`\r${formatProgressLine(job)}`);
        else if (!quiet && job.message && job.message !== lastMessage)
          ctx.err(`${formatProgressLine(job)} ${job.message}`);
        lastMessage = job.message;
        if (job.status !== 'queued' && job.status !== 'running') {
          if (!quiet && process.stderr.isTTY) process.stderr.write('\n');
          resolve(job);
        }
      };
      stop = engine.subscribe((event) => {
        if (event.event !== 'job.updated') return;
        const job = event.data as Job;
        if (id === undefined) early.push(job);
        else if (job.id === id) settle(job);
      });
      engine.call('jobs.start', { kind, params }).then((started) => {
        id = started.id;
        for (const job of early) if (job.id === id) settle(job);
      }, reject);
    });
  } finally {
    stop();
    process.off('SIGINT', onSignal);
  }
}
