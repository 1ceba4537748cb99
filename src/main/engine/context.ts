// What every handler may use: the store, the job manager, the home folder and the event emitter.
import type { Store } from '../storage';
import type { JobManager } from '../jobs';
import type { EventName, EventData, SystemInfo } from '../../shared/contract';
import type { WriteFolders } from '../platform/write-folders';

/**
 * The import switches that widen what an import may reach: image paths outside the imported file's folder, and
 * image URLs on loopback, link-local and private addresses. A call may turn one on only where this engine allows
 * it: the CLI and the Electron app act for the local user; browser mode only with the matching `serve` flag.
 */
export interface ImportSwitches {
  allowPathsOutside: boolean;
  allowPrivateUrls: boolean;
}

export interface EngineContext {
  home: string;
  face: SystemInfo['face'];
  store: Store;
  jobs: JobManager;
  /** Folders a call may write files to (exports); null: anywhere the user can. */
  writeFolders: WriteFolders;
  /** A file a call was asked to write, checked: inside the write folders, and not in the data folder of a reader. */
  writeTarget(file: string): string;
  /** Which import switches a call may turn on (see ImportSwitches). */
  importSwitches: ImportSwitches;
  emit<E extends EventName>(event: E, data: EventData<E>): void;
}
