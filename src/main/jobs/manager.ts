// Runs each job in its own process, one row per job in the database, and tells listeners about every change.
// A job's process writes its own progress and its end, so a job outlives a native crash of the process that
// started it (the UI server); an engine that starts later follows such a job until it ends, and marks interrupted
// only the jobs whose process is gone.
import { fork, type ChildProcess } from 'node:child_process';
import type { Store } from '../storage';
import type { StoredJob, UnfinishedJob } from '../storage/repositories/jobs';
import type { Job, JobStatus } from '../../shared/contract';
import { ApiError, describeZodError } from '../../shared/protocol';
import { logger } from '../platform/log';
import { isProcessAlive, processIdentity } from '../platform/process-alive';
import type { FolderLock } from '../platform/folder-lock';
import { jobKinds } from './kinds';
import { jobWorkerEntry } from './worker-entry';
import type { ManagerToWorker, WorkerToManager } from './messages';

const log = logger('jobs');
/** A cancelled job that has not stopped by then is killed. */
const CANCEL_GRACE_MS = 5000;
/** How often the rows of jobs run by other processes are read again. */
const FOLLOW_INTERVAL_MS = 1000;

interface Running {
  child: ChildProcess;
  cancelRequested: boolean;
  settled: Promise<void>;
}

/** A job whose process another engine started (one that has stopped since). */
interface Followed {
  pid: number;
  identity: string | null;
  cancelRequested: boolean;
  /** What listeners were last told, to tell them only of changes. */
  told: string;
}

export interface JobManagerOptions {
  store: Store;
  home: string;
  maxConcurrent?: number;
  /** The data folder's lock (platform/folder-lock.ts): without it, jobs are neither started nor recovered. */
  lock?: FolderLock;
  onUpdate(job: Job): void;
}

const unfinished = (status: JobStatus) => status === 'queued' || status === 'running';

export class JobManager {
  private readonly running = new Map<number, Running>();
  private readonly queue: number[] = [];
  private readonly followed = new Map<number, Followed>();
  private followTimer?: NodeJS.Timeout;
  private readonly maxConcurrent: number;

  constructor(private readonly options: JobManagerOptions) {
    this.maxConcurrent = options.maxConcurrent ?? 2;
    // Only the folder's first writer recovers: the engine that started these jobs is gone.
    if (options.lock?.recover ?? true) this.recover();
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
    const holds = definition.holds?.(parsed.data);
    const clash = holds === undefined ? undefined : this.unfinishedHolding(holds);
    if (clash)
      throw new ApiError('conflict', `Cannot start this job: ${holds} is in use by job ${clash.id} (“${clash.title}”)`);
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
    const run = this.running.get(id);
    const followed = this.followed.get(id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.options.store.repos.jobs.finish(id, 'cancelled', { message: 'Cancelled before it started' });
      this.emit(id);
    } else if (run) {
      run.cancelRequested = true;
      this.options.store.repos.jobs.requestCancel(id);
      if (run.child.connected) run.child.send({ type: 'cancel' } satisfies ManagerToWorker);
      setTimeout(() => {
        if (this.running.get(id) === run) run.child.kill('SIGKILL');
      }, CANCEL_GRACE_MS).unref();
    } else if (followed) {
      followed.cancelRequested = true;
      this.options.store.repos.jobs.requestCancel(id);
      setTimeout(() => {
        // never a later process given the same id
        if (this.followed.get(id) === followed && isProcessAlive(followed.pid, followed.identity))
          signal(followed.pid, 'SIGKILL');
      }, CANCEL_GRACE_MS).unref();
    } else if (unfinished(job.status)) {
      throw new ApiError('conflict', `Job ${id} is not run by this engine`);
    }
    return this.get(id);
  }

  /** Resolves when every job this engine started has ended (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.queue.length > 0)
      await Promise.all([...this.running.values()].map((r) => r.settled));
  }

  /** Stops this engine's jobs (their committed work is kept) and stops following other processes' jobs. */
  async close(): Promise<void> {
    this.queue.length = 0;
    this.stopFollowing();
    await Promise.all(
      [...this.running.values()].map((r) => {
        r.child.kill('SIGKILL');
        return r.settled;
      }),
    );
  }

  /** Jobs left unfinished by an engine that stopped: followed while their process runs, otherwise interrupted. */
  private recover(): void {
    const gone: number[] = [];
    for (const job of this.options.store.repos.jobs.unfinished()) {
      if (job.status === 'running' && job.ownerPid !== null && isProcessAlive(job.ownerPid, job.ownerIdentity))
        this.follow(job.id, job.ownerPid, job.ownerIdentity);
      else gone.push(job.id);
    }
    const interrupted = this.options.store.repos.jobs.markInterrupted(gone, 'The engine stopped');
    if (interrupted > 0) log.warn(`${interrupted} job(s) were interrupted when the engine last stopped`);
    if (this.followed.size > 0) log.info(`${this.followed.size} job(s) still run in their own processes`);
  }

  private unfinishedHolding(holds: string): UnfinishedJob | undefined {
    return this.options.store.repos.jobs
      .unfinished()
      .find((job) => jobKinds[job.kind]?.holds?.(job.params as never) === holds);
  }

  private pump(): void {
    while (this.running.size < this.maxConcurrent && this.queue.length > 0) this.launch(this.queue.shift()!);
  }

  private launch(id: number): void {
    const job = this.options.store.repos.jobs.get(id)!;
    const jobs = this.options.store.repos.jobs;
    // Its own process: a native crash (ONNX Runtime, out of memory) ends the job, not the engine, and the other
    // way round. Nothing from this process's command line (a debugger, a loader) is passed on.
    const child = fork(jobWorkerEntry(), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    let resolveSettled!: () => void;
    const run: Running = { child, cancelRequested: false, settled: new Promise((r) => (resolveSettled = r)) };
    this.running.set(id, run);
    if (child.pid !== undefined) jobs.markRunning(id, child.pid, processIdentity(child.pid));
    this.emit(id);

    let ended = false;
    const end = (cause: string) => {
      if (ended) return;
      ended = true;
      // The job's process writes its own end; one that died first leaves its row unfinished.
      const row = jobs.get(id);
      if (row && unfinished(row.status)) {
        if (run.cancelRequested) jobs.finish(id, 'cancelled', {});
        else jobs.finish(id, 'failed', { error: `The job's process ${cause} before reporting a result` });
      }
      this.running.delete(id);
      this.emit(id);
      resolveSettled();
      this.pump();
    };
    child.on('message', (message: WorkerToManager) => {
      if (message.type === 'updated' || message.type === 'ended') this.emit(id);
    });
    child.on('error', (error) => {
      if (child.pid === undefined) end(`could not start (${error.message})`);
      else log.warn(`job ${id}: ${error.message}`);
    });
    child.on('exit', (code, signal) => end(signal ? `was stopped by ${signal}` : `exited with code ${code}`));
    child.send({
      type: 'start',
      job: {
        jobId: id,
        kind: job.kind,
        params: job.params,
        home: this.options.home,
        databaseFile: this.options.store.file,
      },
    } satisfies ManagerToWorker);
  }

  private follow(id: number, pid: number, identity: string | null): void {
    this.followed.set(id, { pid, identity, cancelRequested: false, told: '' });
    if (this.followTimer) return;
    this.followTimer = setInterval(() => this.readFollowed(), FOLLOW_INTERVAL_MS);
    this.followTimer.unref();
  }

  private readFollowed(): void {
    const jobs = this.options.store.repos.jobs;
    for (const [id, followed] of this.followed) {
      let job = jobs.get(id);
      if (job && unfinished(job.status) && !isProcessAlive(followed.pid, followed.identity)) {
        if (followed.cancelRequested) jobs.finish(id, 'cancelled', {});
        else jobs.markInterrupted([id], "The job's process stopped");
        job = jobs.get(id);
      }
      if (!job) {
        this.followed.delete(id);
        continue;
      }
      const told = JSON.stringify([job.status, job.done, job.total, job.message]);
      if (told !== followed.told) {
        followed.told = told;
        this.options.onUpdate(publicJob(job));
      }
      if (!unfinished(job.status)) this.followed.delete(id);
    }
    if (this.followed.size === 0) this.stopFollowing();
  }

  private stopFollowing(): void {
    clearInterval(this.followTimer);
    this.followTimer = undefined;
  }

  private emit(id: number): void {
    this.options.onUpdate(this.get(id));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone: the next reading of its row settles it
  }
}

function publicJob(job: StoredJob): Job {
  const { params: _params, ...rest } = job;
  return rest;
}
