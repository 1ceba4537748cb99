// One writer per data folder. The first engine to open a folder writes a lock file with its process id; an engine
// that finds a live holder opens as a reader: it reads everything but starts no jobs and recovers none, so a
// `searchlab datasets` beside `serve` cannot mark serve's running jobs interrupted, and no run is trained by two
// processes. A lock whose process is gone (killed, crashed) is taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive, processIdentity } from './process-alive';

export interface LockHolder {
  pid: number;
  host: string;
  face: string;
  since: number;
  /** The holder's process identity (process-alive.ts), where the system can tell: a reused id is not the holder. */
  identity?: string | null;
}

export interface FolderLock {
  /** True when this process holds the folder's lock (it may write and run jobs). */
  readonly owned: boolean;
  /** Who holds it, when another process does. */
  readonly holder: LockHolder | null;
  /** True for the first engine of the holding process: only it recovers jobs the last holder left running. */
  readonly recover: boolean;
  /** The sentence a refused write shows. */
  refusal(action: string): string;
  release(): void;
}

export const LOCK_FILE = 'searchlab.lock';

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number'
      ? {
          pid: parsed.pid,
          host: String(parsed.host ?? ''),
          face: String(parsed.face ?? 'unknown'),
          since: Number(parsed.since ?? 0),
          identity: typeof parsed.identity === 'string' ? parsed.identity : null,
        }
      : null;
  } catch {
    return null;
  }
}

/** A holder on another machine (a shared network folder) cannot be checked, so it counts as alive. */
const holds = (h: LockHolder | null): h is LockHolder =>
  h !== null && (h.host !== os.hostname() || (h.pid !== process.pid && isProcessAlive(h.pid, h.identity)));

/** Engines of this process per lock file: they share the one lock, released when the last one closes. */
const heldHere = new Map<string, number>();
let exitHook = false;

/** A process that exits without closing its engines still leaves no lock behind (a kill -9 does: see holds()). */
function removeOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const file of heldHere.keys()) if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  });
}

export function acquireFolderLock(home: string, face: string): FolderLock {
  const file = path.join(fs.realpathSync(home), LOCK_FILE);
  const here = heldHere.get(file);
  if (here !== undefined) {
    heldHere.set(file, here + 1);
    return ownedLock(file, false);
  }
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    face,
    since: Date.now(),
    identity: processIdentity(process.pid),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      heldHere.set(file, 1);
      removeOnExit();
      return ownedLock(file, true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holds(holder)) return readerLock(home, holder);
    // Gone, unreadable or half-written: take it over (the next attempt's exclusive create settles a race).
    fs.rmSync(file, { force: true });
  }
  return readerLock(home, readHolder(file) ?? { pid: 0, host: '', face: 'unknown', since: 0 });
}

function ownedLock(file: string, recover: boolean): FolderLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    const left = (heldHere.get(file) ?? 1) - 1;
    if (left > 0) return void heldHere.set(file, left);
    heldHere.delete(file);
    // Only our own lock is removed: a taken-over file names another process.
    if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  return { owned: true, holder: null, recover, refusal: () => '', release };
}

function readerLock(home: string, holder: LockHolder): FolderLock {
  return {
    owned: false,
    holder,
    recover: false,
    refusal: (action) =>
      `Cannot ${action}: the data folder ${home} is in use by another SearchLab process ` +
      `(pid ${holder.pid}, ${holder.face}, since ${new Date(holder.since).toISOString()}). ` +
      'This one only reads; start the work from that process, or stop it first.',
    release: () => {},
  };
}
