// What every handler may use: the store, the job manager, the home folder and the event emitter.
import type { Store } from '../storage';
import type { JobManager } from '../jobs';
import type { EventName, EventData, SystemInfo } from '../../shared/contract';
import type { WriteFolders } from '../platform/write-folders';

export interface EngineContext {
  home: string;
  face: SystemInfo['face'];
  store: Store;
  jobs: JobManager;
  /** Folders a call may write files to (exports); null: anywhere the user can. */
  writeFolders: WriteFolders;
  /** A file a call was asked to write, checked: inside the write folders, and not in the data folder of a reader. */
  writeTarget(file: string): string;
  emit<E extends EventName>(event: E, data: EventData<E>): void;
}
