// The data folder ("home"): one per workspace. Chosen by --home, else SEARCHLAB_HOME, else the platform's
// usual place for application data. Every face resolves it the same way so they can share a workspace.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'SearchLab');
  if (process.platform === 'win32')
    return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'SearchLab');
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'searchlab');
}

export function resolveHome(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(explicit ?? env.SEARCHLAB_HOME ?? defaultHome(env));
}

/** Where each kind of file lives inside a home. */
export function homePaths(home: string) {
  return {
    home,
    database: path.join(home, 'searchlab.db'),
    models: path.join(home, 'models'),
    checkpoints: path.join(home, 'checkpoints'),
    secrets: path.join(home, 'secrets.json'),
    logs: path.join(home, 'logs'),
  };
}

/**
 * Creates the data folder for its owner only (0700): on a shared machine nobody else lists or reads it. A data folder
 * an older install left open to others (0755, with 0644 checkpoints, exports and logs inside) is narrowed to its
 * owner too: closing the folder closes everything in it.
 */
export function ensureHome(home: string): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32' || !fs.existsSync(homePaths(home).database)) return;
  const stat = fs.statSync(home);
  if ((stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(home, stat.mode & 0o700);
}
