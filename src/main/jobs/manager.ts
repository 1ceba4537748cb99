// Runs jobs in worker threads, one row per job in the database, and tells listeners about every change.
import { Worker } from 'node:worker_threads';
import type { Store } from '../storage';
import type { StoredJob } from '../storage/repositories/jobs';
import type { Job, JobStatus } from '../../shared/contract';
import { ApiError, describeZodError } from '../../shared/protocol';
import { logger } from '../platform/log';
import type { FolderLock } from '../platform/folder-lock';
import { jobKinds } from './kinds';
import { jobWorkerEntry } from './worker-entry';
import type { JobWorkerData, WorkerToManager } from './messages';

const log = logger('jobs');
/** How often progress is written to the database and sent to listeners, at most. */
const PROGRESS_INTERVAL_MS = 150;
/** A cancelled job that has not stopped by then is terminated. */
const CANCEL_GRACE_MS = 5000;

interface Running {
  worker: Worker;
  cancelFlag: Int32Array;
  lastReport: number;
  pending?: { done: number; total: number | null; message: string | null };
  settled: Promise<void>;
}

export interface JobManagerOptions {
  store: Store;
  home: string;
  maxConcurrent?: number;
  /** The data folder's lock (platform/folder-lock.ts): without it, jobs are neither started nor recovered. */
  lock?: FolderLock;
  onUpdate(job: Job): void;
}

export class JobManager {
  private readonly running = new Map<number, Running>();
  private readonly queue: number[] = [];
  private readonly maxConcurrent: number;

  constructor(private readonly options: JobManagerOptions) {
    this.maxConcurrent = options.maxConcurrent ?? 2;
    // Only the folder's first writer recovers: jobs still marked running then belong to a process that is gone.
    if (options.lock?.recover ?? true) {
      const interrupted = options.store.repos.jobs.markInterrupted();
      if (interrupted > 0) log.warn(`${interrupted} job(s) were interrupted when the engine last stopped`);
    }
  }

  kinds(): string[] {
    return Object.keys(jobKinds);
  }

  start(kind: string, params: unknown): Job {
    if (this.options.lock && !this.options.lock.owned)
      throw new ApiError('conflict', this.options.lock.refusal(`start a ${kind} job`));
    const definition = jobKinds[kind];
    if (!definition) throw new ApiError('invalid_params', `Unknown job kind "${kind}"`);
    const parsed = definition.params.safeParse(params);
    if (!parsed.success)
      throw new ApiError('invalid_params', `Invalid params for job ${kind}: ${describeZodError(parsed.error)}`);
    const job = this.options.store.repos.jobs.insert(kind, definition.title(parsed.data), parsed.data);
    this.queue.push(job.id);
    this.emit(job.id);
    this.pump();
    return this.get(job.id);
  }

  get(id: number): Job {
    const job = this.options.store.repos.jobs.get(id);
    if (!job) throw new ApiError('not_found', `No job with id ${id}`);
    return publicJob(job);
  }

  list(limit: number, status?: JobStatus): Job[] {
    return this.options.store.repos.jobs.list(limit, status).map(publicJob);
  }

  cancel(id: number): Job {
    const job = this.get(id);
    const queued = this.queue.indexOf(id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.options.store.repos.jobs.finish(id, 'cancelled', { message: 'Cancelled before it started' });
      this.emit(id);
    } else if (this.running.has(id)) {
      const run = this.running.get(id)!;
      Atomics.store(run.cancelFlag, 0, 1);
      setTimeout(() => {
        if (this.running.get(id) === run) void run.worker.terminate();
      }, CANCEL_GRACE_MS).unref();
    } else if (job.status === 'queued' || job.status === 'running') {
      throw new ApiError('conflict', `Job ${id} is not run by this engine`);
    }
    return this.get(id);
  }

  /** Resolves when every running job has ended (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.queue.length > 0)
      await Promise.all([...this.running.values()].map((r) => r.settled));
  }

  async close(): Promise<void> {
    this.queue.length = 0;
    await Promise.all([...this.running.values()].map((r) => r.worker.terminate()));
  }

  private pump(): void {
    while (this.running.size < this.maxConcurrent && this.queue.length > 0) this.launch(this.queue.shift()!);
  }

  private launch(id: number): void {
    const job = this.options.store.repos.jobs.get(id)!;
    const cancelFlag = new SharedArrayBuffer(4);
    const data: JobWorkerData = {
      jobId: id,
      kind: job.kind,
      params: job.params,
      home: this.options.home,
      databaseFile: this.options.store.file,
      cancelFlag,
    };
    const worker = new Worker(jobWorkerEntry(), { workerData: data });
    let finished = false;
    let resolveSettled!: () => void;
    const run: Running = {
      worker,
      cancelFlag: new Int32Array(cancelFlag),
      lastReport: 0,
      settled: new Promise((r) => (resolveSettled = r)),
    };
    this.running.set(id, run);
    this.options.store.repos.jobs.markRunning(id);
    this.emit(id);

    const end = (status: 'succeeded' | 'failed' | 'cancelled', fields: { error?: string; result?: unknown }) => {
      if (finished) return;
      finished = true;
      this.flushProgress(id, run);
      this.options.store.repos.jobs.finish(id, status, fields);
      this.running.delete(id);
      this.emit(id);
      resolveSettled();
      this.pump();
    };

    worker.on('message', (message: WorkerToManager) => {
      if (message.type === 'progress') {
        run.pending = { done: message.done, total: message.total, message: message.message };
        if (Date.now() - run.lastReport >= PROGRESS_INTERVAL_MS) this.flushProgress(id, run);
      } else if (message.type === 'succeeded') end('succeeded', { result: message.result });
      else if (message.type === 'cancelled') end('cancelled', {});
      else end('failed', { error: message.error });
    });
    worker.on('error', (error) => end('failed', { error: error.message }));
    worker.on('exit', (code) => {
      if (Atomics.load(run.cancelFlag, 0) === 1) end('cancelled', {});
      else end('failed', { error: `The job's worker exited (code ${code}) before reporting a result` });
    });
  }

  private flushProgress(id: number, run: Running): void {
    if (!run.pending) return;
    const { done, total, message } = run.pending;
    run.pending = undefined;
    run.lastReport = Date.now();
    this.options.store.repos.jobs.progress(id, done, total, message);
    this.emit(id);
  }

  private emit(id: number): void {
    this.options.onUpdate(this.get(id));
  }
}

function publicJob(job: StoredJob): Job {
  const { params: _params, ...rest } = job;
  return rest;
}
