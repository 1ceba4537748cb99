// Where the renderer gets a stored image. Browser mode: GET api/images/<sha256>, relative to the page, so under the
// server's own path prefix where the token cookie goes with it (and the browser caches the immutable bytes).
// The Electron app has no HTTP origin for the engine, so images come through the API (datasets.image) and are
// shown as blob: URLs, kept in a small cache.
import { useEffect, useState } from 'react';
import { api, transportKind } from '../api/client';

const MAX_CACHED = 600;
const cache = new Map<string, string>();
const pending = new Map<string, Promise<string | null>>();

function remember(key: string, url: string): void {
  cache.set(key, url);
  while (cache.size > MAX_CACHED) {
    const [oldest, old] = cache.entries().next().value as [string, string];
    cache.delete(oldest);
    URL.revokeObjectURL(old);
  }
}

function viaApi(sha: string, thumb: boolean): Promise<string | null> {
  const key = `${sha}${thumb ? ':t' : ''}`;
  const hit = cache.get(key);
  if (hit) return Promise.resolve(hit);
  let request = pending.get(key);
  if (!request) {
    request = api
      .call('datasets.image', { sha256: sha, thumb })
      .then(({ mime, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
        remember(key, url);
        return url;
      })
      .catch(() => null)
      .finally(() => pending.delete(key));
    pending.set(key, request);
  }
  return request;
}

export function imageSrc(sha: string, thumb: boolean): string {
  return `api/images/${sha}${thumb ? '?thumb=1' : ''}`;
}

/** The src for an <img> of a stored image (undefined while it loads through the API). */
export function useImageSrc(sha: string, thumb: boolean): string | undefined {
  const direct = transportKind === 'websocket';
  const [src, setSrc] = useState<string | undefined>(() =>
    direct ? imageSrc(sha, thumb) : cache.get(`${sha}${thumb ? ':t' : ''}`),
  );
  useEffect(() => {
    if (direct) return setSrc(imageSrc(sha, thumb));
    let live = true;
    void viaApi(sha, thumb).then((url) => live && setSrc(url ?? undefined));
    return () => {
      live = false;
    };
  }, [sha, thumb, direct]);
  return src;
}
