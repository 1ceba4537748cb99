// Whether a process id on this machine names a running process — and, where the system can tell, the same process
// that was recorded, not a later one given the same id (after a reboot, ids start again from the bottom).
import { readFileSync } from 'node:fs';

/** What the Linux kernel says of a process: its state letter and its start time (clock ticks after boot). */
function procStat(pid: number): { state: string; startTicks: string } | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ppid …": the command may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTicks: fields[19] };
  } catch {
    return null;
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** Names one process for good (this boot, its start time), or null where the system cannot say. */
export function processIdentity(pid: number): string | null {
  const stat = procStat(pid);
  return stat ? `${bootId()}/${stat.startTicks}` : null;
}

/** True while `pid` runs; with `identity` (from processIdentity), only while it is still that same process. */
export function isProcessAlive(pid: number, identity?: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = procStat(pid);
  // A process that has ended but not been reaped still answers signal 0: an orphan's new parent reaps it, except
  // where the first process of a container does not.
  if (stat && (stat.state === 'Z' || stat.state === 'X')) return false;
  return !identity || !stat || `${bootId()}/${stat.startTicks}` === identity;
}
