// The window's icon, from resources/ (drawn by `npm run icons`). Installed apps on macOS and Windows show their
// bundle's or executable's icon; Linux window managers, and every platform when run from source, use this one.
import path from 'node:path';
import { packageRoot } from '../platform/package-root';

export function windowIconPath(): string {
  return path.join(packageRoot(), 'resources', 'icons', '512x512.png');
}
