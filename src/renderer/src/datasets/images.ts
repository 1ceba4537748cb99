// Where the renderer gets a stored image: browser mode serves /api/images/<sha256> (token cookie); the Electron
// app is to register a `searchlab-image:` protocol that answers the same paths from the engine.
import { transportKind } from '../api/client';

export function imageSrc(sha: string, thumb: boolean): string {
  const query = thumb ? '?thumb=1' : '';
  return transportKind === 'ipc' ? `searchlab-image://images/${sha}${query}` : `/api/images/${sha}${query}`;
}
