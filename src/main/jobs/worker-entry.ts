// Where the job process's code is: from source (run by tsx or vitest) a small boot file registers tsx's loader
// and imports worker.ts; in the electron-vite build it is out/main/job-worker.js.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../platform/package-root';

export function jobWorkerEntry(): string {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return fileURLToPath(new URL('./worker-boot.mjs', here));
  return path.join(packageRoot(), 'out', 'main', 'job-worker.js');
}
