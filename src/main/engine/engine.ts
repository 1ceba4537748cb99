// The engine: one per home. Every face (Electron, browser mode, CLI) talks to it through handle(), which
// validates the request against the contract, runs the handler and validates the result.
import {
  methods,
  type EventName,
  type EventData,
  type MethodName,
  type ParamsIn,
  type Result,
  type SystemInfo,
} from '../../shared/contract';
import {
  ApiError,
  describeZodError,
  parseRequest,
  type EventMessage,
  type ResponseMessage,
} from '../../shared/protocol';
import type { Store } from '../storage';
import { JobManager } from '../jobs';
import { ensureHome, homePaths } from '../platform/home';
import { logger, redact } from '../platform/log';
import { errorMessage } from '../platform/errors';
import { acquireFolderLock, type FolderLock } from '../platform/folder-lock';
import type { WriteFolders } from '../platform/write-folders';
import type { EngineContext, ImportSwitches } from './context';
import { checkFileTarget, openFolderStore, refuseReaderCall } from './reader';
import type { Handlers } from './handlers/types';
import { systemHandlers } from './handlers/system';
import { jobHandlers } from './handlers/jobs';
import { settingsHandlers } from './handlers/settings';
import { storageHandlers } from './handlers/storage';
import { searchHandlers } from './handlers/search';
import { datasetHandlers } from './handlers/datasets';
import { runHandlers } from './handlers/runs';
import { trajectoryHandlers } from './handlers/trajectories';
import { rewardHandlers } from './handlers/reward';
import { replayHandlers } from './handlers/replay';
import { evalHandlers } from './handlers/evals';
import { modelHandlers } from './handlers/models';

const log = logger('engine');

export interface EngineOptions {
  home: string;
  face: SystemInfo['face'];
  maxConcurrentJobs?: number;
  /** Folders calls may write exports to (browser mode); unset: anywhere. */
  writeFolders?: WriteFolders;
  /** Import switches calls may turn on; unset: all of them, except in browser mode, where none. */
  importSwitches?: Partial<ImportSwitches>;
}

export class Engine {
  readonly home: string;
  readonly store: Store;
  readonly jobs: JobManager;
  /** This engine's hold on the data folder: one writer per folder, other engines read. */
  readonly lock: FolderLock;
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private readonly handlers: Handlers;

  static open(options: EngineOptions): Engine {
    return new Engine(options);
  }

  private constructor(options: EngineOptions) {
    this.home = options.home;
    // Everything the engine and its jobs write (scratch files, checkpoints, logs) is its owner's alone by default.
    if (process.platform !== 'win32') process.umask(0o077);
    ensureHome(options.home);
    this.lock = acquireFolderLock(options.home, options.face);
    if (!this.lock.owned) log.warn(this.lock.refusal('run jobs'));
    try {
      // A reader's database is read-only: SQLite refuses its writes, with the lock's sentence (engine/reader.ts).
      this.store = openFolderStore(homePaths(options.home).database, this.lock);
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.jobs = new JobManager({
      store: this.store,
      home: options.home,
      lock: this.lock,
      maxConcurrent: options.maxConcurrentJobs,
      onUpdate: (job) => this.emit('job.updated', job),
    });
    const ctx: EngineContext = {
      home: options.home,
      face: options.face,
      writeFolders: options.writeFolders ?? null,
      writeTarget: (file) => checkFileTarget(file, options.home, this.lock, options.writeFolders ?? null),
      importSwitches: {
        allowPathsOutside: options.importSwitches?.allowPathsOutside ?? options.face !== 'browser',
        allowPrivateUrls: options.importSwitches?.allowPrivateUrls ?? options.face !== 'browser',
      },
      store: this.store,
      jobs: this.jobs,
      emit: (event, data) => this.emit(event, data),
    };
    this.handlers = {
      ...systemHandlers(ctx),
      ...jobHandlers(ctx),
      ...settingsHandlers(ctx),
      ...storageHandlers(ctx),
      ...searchHandlers(ctx),
      ...datasetHandlers(ctx),
      ...runHandlers(ctx),
      ...trajectoryHandlers(ctx),
      ...rewardHandlers(ctx),
      ...replayHandlers(ctx),
      ...evalHandlers(ctx),
      ...modelHandlers(ctx),
    };
  }

  /** Typed call for code inside the process (CLI, tests): params are validated like any request. */
  async call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>> {
    const reply = await this.handle({ type: 'request', id: 0, method, params });
    if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
    return reply.result as Result<M>;
  }

  /** One raw message from any transport in, one reply out. Never throws. */
  async handle(raw: unknown): Promise<ResponseMessage> {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    try {
      const request = parseRequest(raw);
      refuseReaderCall(this.lock, request.method);
      const handler = this.handlers[request.method] as (params: unknown) => unknown;
      const result = await handler(request.params);
      const checked = methods[request.method].result.safeParse(result);
      if (!checked.success) {
        throw new ApiError(
          'failed',
          `Engine produced an invalid reply for ${request.method}: ${describeZodError(checked.error, 'result')}`,
        );
      }
      return { type: 'response', id: request.id, ok: true, result: checked.data };
    } catch (error) {
      if (error instanceof ApiError)
        return {
          type: 'response',
          id,
          ok: false,
          error: { code: error.code, message: redact(error.message), details: error.details },
        };
      log.error(`request failed: ${errorMessage(error)}`);
      return { type: 'response', id, ok: false, error: { code: 'failed', message: redact(errorMessage(error)) } };
    }
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    const message: EventMessage = { type: 'event', event, data };
    for (const listener of this.listeners) listener(message);
  }

  async close(): Promise<void> {
    await this.jobs.close();
    this.store.close();
    this.lock.release();
  }
}
