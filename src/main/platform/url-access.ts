// URLs a dataset names (image URLs) are fetched only from public addresses: a row pointing at loopback, a
// link-local address (169.254.169.254, a cloud's metadata service) or a private network would otherwise turn an
// import into a probe of the user's machine and network. Every redirect hop is checked the same way.
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

export class UrlAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlAccessError';
  }
}

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  blocked.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(address, prefix, 'ipv6');

/** Whether an IP address is loopback, link-local, private or otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
  // IPv4 written inside IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, family);
}

/**
 * The URL when it is one a web service could fetch: http(s), a host name or a public address. A local path, a
 * data: URI, a content address (sha256://…), loopback, link-local and private addresses give null. Host names
 * are not resolved here: a name that does not resolve publicly fails at the search, which then uploads.
 */
export function publicImageUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === '' || host === 'localhost' || host.endsWith('.localhost')) return null;
  if (net.isIP(host) && isNonPublicAddress(host)) return null;
  return value.trim();
}

/** Throws unless the URL is http(s) and every address its host resolves to is public (or `allowPrivate`). */
export async function checkPublicUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlAccessError(`${raw} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UrlAccessError(`${raw}: only http and https URLs are fetched`);
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (error) {
    throw new UrlAccessError(
      `cannot resolve ${url.hostname} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (addresses.length === 0 || addresses.some(isNonPublicAddress)) {
    throw new UrlAccessError(
      `${url.origin} is a loopback, link-local or private address; such URLs are not fetched unless you allow private addresses`,
    );
  }
  return url;
}

/**
 * A DNS lookup for the connection itself that refuses non-public addresses: the host name is resolved again when
 * the socket connects, and a name that answered with a public address for the check and a private one now (DNS
 * rebinding) is refused here rather than connected to.
 */
export function publicOnlyLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }).then(
      (addresses) => {
        const refused = addresses.find((a) => isNonPublicAddress(a.address));
        if (refused || addresses.length === 0) {
          callback(
            new UrlAccessError(
              `${hostname} resolves to ${refused?.address ?? 'no address'}, a loopback, link-local or private address; not fetched`,
            ),
            '',
            0,
          );
        } else if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** One GET over node's http(s), its connection resolved through `lookup`, as a fetch Response. */
function get(url: URL, lookup: LookupFunction | undefined, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).get(
      url,
      { lookup, signal, headers: { 'User-Agent': 'SearchLab' } },
      (res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        const status = res.statusCode ?? 500;
        // A Response may not carry a body with these statuses.
        const empty = status === 204 || status === 304;
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers }));
      },
    );
    request.on('error', reject);
  });
}

/** fetch() for URLs a dataset names: public addresses only, at check and at connect, every redirect checked again. */
export async function fetchPublicUrl(
  raw: string,
  options: { allowPrivate: boolean; signal?: AbortSignal; maxRedirects?: number },
): Promise<Response> {
  const lookup = options.allowPrivate ? undefined : publicOnlyLookup();
  let current = raw;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const url = await checkPublicUrl(current, options.allowPrivate);
    const response = await get(url, lookup, options.signal);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel().catch(() => {});
    current = new URL(location, url).toString();
  }
  throw new UrlAccessError(`${raw} redirects more than ${options.maxRedirects ?? 5} times`);
}
