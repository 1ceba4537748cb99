// Where a protocol call may write a file the caller names. Over browser mode the caller is whoever holds the token,
// and a new file in the right place runs code (~/.config/autostart, a shell's start-up folder), so exports go only
// to the data folder's exports/ or to folders the user named when starting the server. The desktop app and the
// command line are the user at the keyboard: they write where they are told.
import fs from 'node:fs';
import path from 'node:path';
import { isInside } from './file-access';

/** null: no confinement (desktop app, command line). */
export type WriteFolders = readonly string[] | null;

export const exportsFolder = (home: string): string => path.join(home, 'exports');

/** Throws unless `file` lies inside one of `folders` (links followed); returns the absolute path. */
export function checkWriteTarget(file: string, folders: WriteFolders): string {
  const target = path.resolve(file);
  if (folders === null) return target;
  // The folder itself is not a file inside it.
  const inside = folders.some((folder) => isInside(target, folder) && path.resolve(target) !== path.resolve(folder));
  if (!inside)
    throw new Error(
      `${file} is outside the folders this server writes to (${folders.join(', ')}); choose a file there, or start serve with --export-dir`,
    );
  return target;
}

/**
 * Moves the finished file to its name. Without `overwrite`, a hard link claims the name atomically and fails if
 * something appeared there meanwhile (a rename would silently replace it, a shell start-up file included).
 */
export function publishFile(partial: string, out: string, overwrite: boolean): void {
  if (overwrite) return fs.renameSync(partial, out);
  try {
    fs.linkSync(partial, out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new Error(`${out} already exists: choose another name, or pass --overwrite to replace it`);
    // A file system without hard links: checked, then renamed.
    if (fs.existsSync(out))
      throw new Error(`${out} already exists: choose another name, or pass --overwrite to replace it`);
    return fs.renameSync(partial, out);
  }
  fs.rmSync(partial, { force: true });
}
