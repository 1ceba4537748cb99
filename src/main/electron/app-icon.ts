// The window's icon, from resources/ (drawn by `npm run icons`). macOS takes the app bundle's icon instead;
// Windows looks best with the multi-size .ico, Linux with a large PNG.
import path from 'node:path';
import { packageRoot } from '../platform/package-root';

export function windowIconPath(platform: NodeJS.Platform = process.platform): string {
  return path.join(packageRoot(), 'resources', platform === 'win32' ? 'icon.ico' : path.join('icons', '512x512.png'));
}
