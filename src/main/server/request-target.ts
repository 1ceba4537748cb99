// A request's target (`/path?query`) parsed once, inside the guarded path: anything a client can type
// (`//[`, `http://[::1`, a bad port, `%`, an invalid percent-encoding) becomes null, answered with 400.

export interface RequestTarget {
  /** The path, percent-decoded. */
  pathname: string;
  searchParams: URLSearchParams;
}

export function parseRequestTarget(raw: string | undefined): RequestTarget | null {
  // Only origin-form targets (`/…`) are served; absolute-form and authority-form are refused, not parsed.
  if (raw === undefined || !raw.startsWith('/') || raw.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(raw, 'http://127.0.0.1');
  } catch {
    return null;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // A decoded NUL has no meaning in a path and trips file-system calls.
  if (pathname.includes('\0')) return null;
  return { pathname, searchParams: url.searchParams };
}
