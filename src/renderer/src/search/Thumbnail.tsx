import { useEffect, useState } from 'react';
import { api } from '../api/client';

// Thumbnails are content-addressed, so a fetched one never changes: keep them for the session.
const cache = new Map<string, Promise<string>>();

function load(sha: string): Promise<string> {
  let url = cache.get(sha);
  if (!url) {
    url = api.call('search.image', { sha256: sha }).then((img) => `data:${img.mime};base64,${img.base64}`);
    url.catch(() => cache.delete(sha));
    cache.set(sha, url);
  }
  return url;
}

export function Thumbnail({ sha, alt, size = 96 }: { sha: string; alt: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    load(sha).then(
      (s) => live && setSrc(s),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [sha]);
  return (
    <div className="sc-thumb" style={{ width: size, height: size }}>
      {src ? <img src={src} alt={alt} /> : <span className="muted">{failed ? 'missing' : '…'}</span>}
    </div>
  );
}
