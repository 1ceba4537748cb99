// URLs a dataset names (image URLs) are fetched only from public addresses: a row pointing at loopback, a
// link-local address (169.254.169.254, a cloud's metadata service) or a private network would otherwise turn an
// import into a probe of the user's machine and network. Every redirect hop is checked the same way.
import dns from 'node:dns/promises';
import net from 'node:net';

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

/** Throws unless the URL is http(s) and every address its host resolves to is public (or `allowPrivate`). */
export async function checkPublicUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlAccessError(`${raw} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlAccessError(`${raw}: only http and https URLs are fetched`);
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (error) {
    throw new UrlAccessError(`cannot resolve ${url.hostname} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (addresses.length === 0 || addresses.some(isNonPublicAddress)) {
    throw new UrlAccessError(`${url.origin} is a loopback, link-local or private address; such URLs are not fetched unless you allow private addresses`);
  }
  return url;
}

/** fetch() for URLs a dataset names: public addresses only, redirects followed by hand and each one checked. */
export async function fetchPublicUrl(raw: string, options: { allowPrivate: boolean; signal?: AbortSignal; maxRedirects?: number }): Promise<Response> {
  let current = raw;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const url = await checkPublicUrl(current, options.allowPrivate);
    const response = await fetch(url, { signal: options.signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel().catch(() => {});
    current = new URL(location, url).toString();
  }
  throw new UrlAccessError(`${raw} redirects more than ${options.maxRedirects ?? 5} times`);
}
