// One policy for every file a user or a dataset names (an image path in a dataset row, a corpus document, an image
// given to a search): a regular file only (a device such as /dev/zero reports 0 bytes and never ends; a FIFO blocks
// forever), its size read from the opened descriptor, reads bounded by bytes and by time, and the path confined to
// the folder it was named from unless the user allows more.
import fs from 'node:fs';
import path from 'node:path';

export class FileAccessError extends Error {
  constructor(
    message: string,
    /** The system's error code where one caused it (ENOENT, EACCES). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FileAccessError';
  }
}

export interface FileAccessPolicy {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** The folder the path must stay inside (after following links); null: anywhere. */
  confineTo: string | null;
  /** How long one read may take, in milliseconds. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const CHUNK = 1 << 20;

/** The path resolved against `base`, refused when it leaves `policy.confineTo` (links followed). */
export function confinedPath(file: string, base: string, policy: Pick<FileAccessPolicy, 'confineTo'>): string {
  const resolved = path.resolve(base, file);
  if (policy.confineTo === null) return resolved;
  if (!isInside(resolved, policy.confineTo)) {
    throw new FileAccessError(
      `${file} is outside ${policy.confineTo}; only files inside that folder are read unless you allow paths outside it`,
    );
  }
  return resolved;
}

/** Whether `file` lies inside `folder` once links are followed (a path not there yet: where it would be). */
export function isInside(file: string, folder: string): boolean {
  const root = realOrSelf(path.resolve(folder));
  const real = realOrSelf(path.resolve(file));
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    // A path that does not exist yet: its parent decides where it would be.
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realOrSelf(parent), path.basename(p));
  }
}

// Opened without blocking: opening a FIFO for reading would otherwise wait for a writer, forever.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** What the opened descriptor is decides, not what the path looked like before: a regular file within the cap. */
function checkStat(file: string, stat: fs.Stats, maxBytes: number): void {
  if (!stat.isFile())
    throw new FileAccessError(`${file} is not a regular file (${kindOf(stat)}); only regular files are read`);
  if (stat.size > maxBytes)
    throw new FileAccessError(`${file} is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit`);
}

function openRegular(file: string, maxBytes: number): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileAccessError(`cannot open ${file} (${code ?? (error as Error).message})`, code);
  }
  try {
    const stat = fs.fstatSync(fd);
    checkStat(file, stat, maxBytes);
    return { fd, size: stat.size };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

const formatBytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${n} bytes`);

/** Reads a whole file under the policy (synchronously: for callers that cannot wait). */
export function readFileSyncWithin(file: string, base: string, policy: FileAccessPolicy): Buffer {
  const chunks = [...readChunksSyncWithin(file, base, policy)];
  return Buffer.concat(chunks);
}

/**
 * A file's bytes under the policy, a chunk at a time (synchronously): for a file read line by line, which need not
 * fit in one string. The time limit counts the reads only, not what the caller does between chunks.
 */
export function* readChunksSyncWithin(file: string, base: string, policy: FileAccessPolicy): Generator<Buffer> {
  const resolved = confinedPath(file, base, policy);
  const { fd, size } = openRegular(resolved, policy.maxBytes);
  const timeoutMs = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let reading = 0;
  try {
    let total = 0;
    // Read until end of file, but never past the limit: the file may grow after fstat.
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size - total, 0) + 1));
      const started = Date.now();
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      reading += Date.now() - started;
      if (n === 0) return;
      total += n;
      if (total > policy.maxBytes)
        throw new FileAccessError(`${file} grew past the ${formatBytes(policy.maxBytes)} limit while being read`);
      if (reading > timeoutMs) throw new FileAccessError(`reading ${file} took longer than ${timeoutMs / 1000} s`);
      yield buffer.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a whole file under the policy, asynchronously, giving up at the policy's timeout. */
export async function readFileWithin(file: string, base: string, policy: FileAccessPolicy): Promise<Buffer> {
  const resolved = confinedPath(file, base, policy);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(resolved, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileAccessError(`cannot open ${file} (${code ?? (error as Error).message})`, code);
  }
  const timeoutMs = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  try {
    const stat = await handle.stat();
    checkStat(file, stat, policy.maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(stat.size - total, 0) + 1));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > policy.maxBytes)
        throw new FileAccessError(`${file} grew past the ${formatBytes(policy.maxBytes)} limit while being read`);
      if (Date.now() > deadline) throw new FileAccessError(`reading ${file} took longer than ${timeoutMs / 1000} s`);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
