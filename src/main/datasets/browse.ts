// Listing folders on the engine's machine for the import dialog: in browser mode the engine may be a remote
// GPU box, so the user picks files there, not on the machine running the browser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const importable = /\.(parquet|jsonl|ndjson|json|csv)$/i;
const MAX_ENTRIES = 500;

export interface BrowseResult {
  dir: string;
  parent: string | null;
  entries: { name: string; path: string; kind: 'dir' | 'file'; size: number | null; importable: boolean }[];
  truncated: boolean;
}

/** The folder a typed path points into, with entries starting with the typed name (dot-files hidden). */
export function browse(typed: string): BrowseResult {
  const input = typed.trim() === '' ? os.homedir() + path.sep : typed.replace(/^~(?=$|\/)/, os.homedir());
  const isDir = input.endsWith(path.sep) || (fs.existsSync(input) && fs.statSync(input).isDirectory());
  const dir = path.resolve(isDir ? input : path.dirname(input));
  const prefix = isDir ? '' : path.basename(input);
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new Error(`Cannot list ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const entries = names
    .filter((d) => !d.name.startsWith('.') && d.name.startsWith(prefix))
    .map((d) => {
      const full = path.join(dir, d.name);
      let kind: 'dir' | 'file' = d.isDirectory() ? 'dir' : 'file';
      let size: number | null = null;
      try {
        const stat = fs.statSync(full); // follows links
        kind = stat.isDirectory() ? 'dir' : 'file';
        size = kind === 'file' ? stat.size : null;
      } catch {
        // a dangling link: list it as a file that cannot be imported
      }
      return { name: d.name, path: full, kind, size, importable: kind === 'dir' || importable.test(d.name) };
    })
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  return {
    dir,
    parent: path.dirname(dir) === dir ? null : path.dirname(dir),
    entries: entries.slice(0, MAX_ENTRIES),
    truncated: entries.length > MAX_ENTRIES,
  };
}
