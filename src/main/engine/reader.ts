// What an engine that does not hold its data folder may do: read. Its database is opened read-only, so SQLite
// refuses every write whatever call attempts it (storage/read-only.ts), with the lock's sentence naming the process
// that holds the folder. The few calls that change files in the data folder rather than rows, or that would do
// costly work whose result the database then refuses to keep, are refused here before they run; so is a file
// written into the data folder.
import type { MethodName } from '../../shared/contract';
import { openStore, ReadOnlyFolderError, SchemaBehindError, type Store } from '../storage';
import { isInside } from '../platform/file-access';
import { checkWriteTarget, type WriteFolders } from '../platform/write-folders';
import type { FolderLock } from '../platform/folder-lock';

/** The data folder's database: read-write for the lock's holder, read-only for anyone else. */
export function openFolderStore(file: string, lock: FolderLock): Store {
  if (lock.owned) return openStore(file);
  try {
    return openStore(file, { readOnly: { refusal: lock.refusal('save changes') } });
  } catch (error) {
    if (!(error instanceof SchemaBehindError)) throw error;
    const state =
      error.found === 0
        ? 'its database is not created yet'
        : `its database has schema version ${error.found} and this SearchLab needs ${error.needed}`;
    throw new Error(lock.refusal(`open the data folder (${state}; only the process holding it may upgrade it)`));
  }
}

/** Calls whose change is not a database row (a key file, checkpoint folders), or that would spend before storing. */
const beyondTheDatabase: Partial<Record<MethodName, string>> = {
  'search.run': 'run a search (its results and costs could not be recorded)',
  'search.secrets.set': 'store a key',
  'search.secrets.clear': 'remove a key',
  'checkpoints.delete': 'delete a checkpoint',
};

/** Throws the lock's refusal when a reader makes a call that writes outside the database. */
export function refuseReaderCall(lock: FolderLock, method: MethodName): void {
  const action = beyondTheDatabase[method];
  if (!lock.owned && action) throw new ReadOnlyFolderError(lock.refusal(action));
}

/**
 * Where a call may write a file it was given: a reader writes nothing into the data folder (its exports/ included),
 * and every engine stays inside its write folders (platform/write-folders.ts). Returns the absolute path.
 */
export function checkFileTarget(file: string, home: string, lock: FolderLock, folders: WriteFolders): string {
  if (!lock.owned && isInside(file, home)) throw new ReadOnlyFolderError(lock.refusal(`write ${file}`));
  return checkWriteTarget(file, folders);
}
