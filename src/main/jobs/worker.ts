// Entry point of a job's worker thread: opens its own connection to the database and runs the job.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../storage';
import { logger } from '../platform/log';
import { errorMessage } from '../platform/errors';
import { jobKinds } from './kinds';
import { JobCancelled, type JobContext } from './kind';
import type { JobWorkerData, WorkerToManager } from './messages';

async function main(): Promise<void> {
  const data = workerData as JobWorkerData;
  const post = (message: WorkerToManager) => parentPort!.postMessage(message);
  const cancelFlag = new Int32Array(data.cancelFlag);
  const definition = jobKinds[data.kind];
  if (!definition) return post({ type: 'failed', error: `Unknown job kind "${data.kind}"` });
  const store = openStore(data.databaseFile);
  const ctx: JobContext = {
    jobId: data.jobId,
    home: data.home,
    store,
    log: logger(`job ${data.jobId} ${data.kind}`),
    progress: (done, total = null, message = null) => post({ type: 'progress', done, total, message }),
    cancelled: () => Atomics.load(cancelFlag, 0) === 1,
    throwIfCancelled: () => {
      if (Atomics.load(cancelFlag, 0) === 1) throw new JobCancelled();
    },
  };
  try {
    const params = definition.params.parse(data.params);
    const result = await definition.run(ctx, params);
    post({ type: 'succeeded', result: result ?? null });
  } catch (error) {
    if (error instanceof JobCancelled) post({ type: 'cancelled' });
    else post({ type: 'failed', error: errorMessage(error) });
  } finally {
    store.close();
  }
}

void main();
