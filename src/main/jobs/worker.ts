// Entry point of a job's own process. The job writes its progress and its end to the database itself, so it runs
// to its end even when the process that started it dies (a native crash of the UI server); messages to that
// process only say when to read the row again. A cancel request is the row's flag (set by whichever engine asked;
// read between units of work, which may not leave the event loop a turn to receive a message), a `cancel`
// message, SIGTERM or SIGINT.
import { openStore } from '../storage';
import { logger, redact } from '../platform/log';
import { errorMessage } from '../platform/errors';
import { jobKinds } from './kinds';
import { JobCancelled, type JobContext } from './kind';
import type { JobStart, ManagerToWorker, WorkerToManager } from './messages';

/** How often progress is written to the database and announced, at most. */
const PROGRESS_INTERVAL_MS = 150;
/** How often the row's cancel flag is read, at most. */
const CANCEL_CHECK_MS = 10;

let cancelRequested = false;

const post = (message: WorkerToManager): Promise<void> =>
  new Promise((resolve) => {
    // The manager may be gone: the job goes on, and the next engine reads its row.
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

async function run(data: JobStart): Promise<void> {
  const store = openStore(data.databaseFile);
  const jobs = store.repos.jobs;
  let pending: { done: number; total: number | null; message: string | null } | undefined;
  let lastWrite = 0;
  let lastCancelCheck = 0;
  const cancelled = () => {
    if (!cancelRequested && Date.now() - lastCancelCheck >= CANCEL_CHECK_MS) {
      lastCancelCheck = Date.now();
      cancelRequested = jobs.cancelRequested(data.jobId);
    }
    return cancelRequested;
  };
  const flush = () => {
    if (!pending) return;
    jobs.progress(data.jobId, pending.done, pending.total, pending.message && redact(pending.message));
    pending = undefined;
    lastWrite = Date.now();
    void post({ type: 'updated' });
  };
  const ctx: JobContext = {
    jobId: data.jobId,
    home: data.home,
    store,
    log: logger(`job ${data.jobId} ${data.kind}`),
    progress: (done, total = null, message = null) => {
      pending = { done, total, message };
      if (Date.now() - lastWrite >= PROGRESS_INTERVAL_MS) flush();
    },
    cancelled,
    throwIfCancelled: () => {
      if (cancelled()) throw new JobCancelled();
    },
  };
  try {
    const definition = jobKinds[data.kind];
    if (!definition) throw new Error(`Unknown job kind "${data.kind}"`);
    const result = await definition.run(ctx, definition.params.parse(data.params));
    flush();
    jobs.finish(data.jobId, 'succeeded', { result: result ?? null });
  } catch (error) {
    flush();
    if (error instanceof JobCancelled) jobs.finish(data.jobId, 'cancelled', {});
    // A key that reached an error's text (a URL, a response) is masked before it is stored and shown.
    else jobs.finish(data.jobId, 'failed', { error: redact(errorMessage(error)) });
  } finally {
    store.close();
  }
  await post({ type: 'ended' });
  // Native libraries (ONNX Runtime's thread pools) may keep the process alive: the job is over.
  process.exit(0);
}

// Ctrl-C in a terminal reaches the whole process group: like SIGTERM, it asks the job to stop at its next safe
// point (the command that started it may be gone by then, after a second Ctrl-C).
process.on('SIGTERM', () => (cancelRequested = true));
process.on('SIGINT', () => (cancelRequested = true));
let started = false;
process.on('message', (message: ManagerToWorker) => {
  if (message.type === 'cancel') cancelRequested = true;
  else if (message.type === 'start' && !started) {
    started = true;
    void run(message.job);
  }
});
// A manager that dies before handing over the job leaves nothing to do.
process.on('disconnect', () => {
  if (!started) process.exit(0);
});
