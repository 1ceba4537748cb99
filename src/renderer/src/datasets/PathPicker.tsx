// A path field with the engine machine's folders listed under it (the engine may be a remote GPU box).
import { useEffect, useState } from 'react';
import { api } from '../api/client';

type Listing = Awaited<ReturnType<typeof api.call<'datasets.browse'>>>;

function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function PathPicker({
  value,
  onChange,
  label,
  placeholder,
}: {
  value: string;
  onChange(path: string): void;
  label: string;
  placeholder: string;
}) {
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.call('datasets.browse', { path: value }).then(
        (l) => live && (setListing(l), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [value]);
  const sep = listing?.dir.includes('\\') ? '\\' : '/';
  return (
    <div className="ds-path">
      <label>
        {label}
        <input
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={placeholder}
          autoFocus
          required
          aria-label={label}
          spellCheck={false}
        />
      </label>
      {error ? <p className="muted">{error}</p> : null}
      {listing ? (
        <ul className="ds-path-list" aria-label="Files">
          {listing.parent ? (
            <li>
              <button type="button" className="ghost" onClick={() => onChange(listing.parent! + sep)}>
                ..{sep}
              </button>
            </li>
          ) : null}
          {listing.entries.map((e) => (
            <li key={e.path} className={e.importable ? '' : 'muted'}>
              <button
                type="button"
                className="ghost"
                onClick={() => onChange(e.kind === 'dir' ? e.path + sep : e.path)}
                title={e.path}
              >
                {e.kind === 'dir' ? `${e.name}${sep}` : e.name}
              </button>
              <span className="muted">{formatSize(e.size)}</span>
            </li>
          ))}
          {listing.entries.length === 0 ? <li className="muted">Nothing here matches.</li> : null}
          {listing.truncated ? <li className="muted">… more: type more of the name</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
