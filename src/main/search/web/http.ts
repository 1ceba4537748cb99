// One HTTP client for every web search service: a per-call timeout, retries with exponential backoff and
// full jitter on 429, 5xx and network errors (honouring Retry-After), a rate limit (token bucket) and a cap on
// calls in flight. Errors name the service and the URL without its query string (where keys travel), and are
// redacted again for any registered secret.
import { redact } from '../../platform/log';

export interface HttpPolicy {
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  ratePerSecond: number;
  /** First backoff step; attempt n waits a random time up to base·2^n, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails instead. */
  maxRetryAfterMs?: number;
}

export type HttpErrorKind = 'timeout' | 'network' | 'http' | 'auth' | 'malformed' | 'cancelled';

export class SearchServiceError extends Error {
  constructor(
    readonly service: string,
    readonly kind: HttpErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(redact(`${service}: ${message}`));
    this.name = 'SearchServiceError';
  }
}

/** The URL without query or fragment: safe to show, as keys travel in the query. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  text(): string;
  /** Parses JSON; a malformed or truncated body is a SearchServiceError('malformed'). */
  json(): unknown;
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }
  get inFlight(): number {
    return this.active;
  }
}

/** Token bucket: up to ratePerSecond calls start per second, with a burst of one second's worth. */
class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly perSecond: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = Math.max(1, perSecond);
  }
  take(): Promise<void> {
    // Serialised so that concurrent callers queue in order instead of racing for the same token.
    const next = this.chain.then(async () => {
      for (;;) {
        const now = Date.now();
        this.tokens = Math.min(Math.max(1, this.perSecond), this.tokens + ((now - this.last) / 1000) * this.perSecond);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await this.sleep(((1 - this.tokens) / this.perSecond) * 1000);
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export interface HttpClientOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each retry, for logs and tests. */
  onRetry?: (info: { service: string; attempt: number; delayMs: number; reason: string }) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  private readonly semaphore: Semaphore;
  private readonly limiter: RateLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    readonly policy: HttpPolicy,
    private readonly options: HttpClientOptions = {},
  ) {
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.semaphore = new Semaphore(policy.concurrency);
    this.limiter = new RateLimiter(policy.ratePerSecond, this.sleep);
  }

  get inFlight(): number {
    return this.semaphore.inFlight;
  }

  backoffMs(attempt: number): number {
    const base = this.policy.baseDelayMs ?? 500;
    const cap = this.policy.maxDelayMs ?? 20_000;
    return Math.round(this.random() * Math.min(cap, base * 2 ** attempt));
  }

  async request(service: string, url: string, init: RequestInit = {}, signal?: AbortSignal): Promise<HttpResponse> {
    let lastError: SearchServiceError | null = null;
    for (let attempt = 0; attempt <= this.policy.maxRetries; attempt++) {
      if (signal?.aborted) throw new SearchServiceError(service, 'cancelled', 'cancelled');
      let retryAfterMs: number | null = null;
      let response: HttpResponse | null = null;
      try {
        response = await this.once(service, url, init, signal);
      } catch (error) {
        if (!(error instanceof SearchServiceError) || (error.kind !== 'timeout' && error.kind !== 'network')) throw error;
        lastError = error;
      }
      if (response) {
        if (response.status < 400) return response;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        const detail = describeErrorBody(response.text());
        if (response.status === 401 || response.status === 403) {
          throw new SearchServiceError(service, 'auth', `HTTP ${response.status} from ${safeUrl(url)}: the API key was refused${detail}`, response.status);
        }
        lastError = new SearchServiceError(service, 'http', `HTTP ${response.status} from ${safeUrl(url)}${detail}`, response.status);
        if (response.status !== 429 && response.status < 500) throw lastError;
      }
      if (!lastError) throw new Error('unreachable');
      if (attempt === this.policy.maxRetries) break;
      const maxRetryAfter = this.policy.maxRetryAfterMs ?? 60_000;
      if (retryAfterMs !== null && retryAfterMs > maxRetryAfter) {
        throw new SearchServiceError(service, 'http', `${lastError.message.replace(`${service}: `, '')} (Retry-After ${Math.round(retryAfterMs / 1000)} s is longer than we wait)`, lastError.status);
      }
      const delayMs = Math.max(retryAfterMs ?? 0, this.backoffMs(attempt));
      this.options.onRetry?.({ service, attempt: attempt + 1, delayMs, reason: lastError.message });
      await this.sleep(delayMs);
    }
    throw new SearchServiceError(service, lastError!.kind, `${lastError!.message.replace(`${service}: `, '')} (after ${this.policy.maxRetries + 1} attempts)`, lastError!.status);
  }

  private async once(service: string, url: string, init: RequestInit, signal?: AbortSignal): Promise<HttpResponse> {
    await this.limiter.take();
    const release = await this.semaphore.acquire();
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    try {
      const response = await fetch(url, { ...init, signal: combined });
      // Reading the body is inside the timeout too: a server that stalls mid-body is a timeout.
      const body = Buffer.from(await response.arrayBuffer());
      return {
        status: response.status,
        headers: response.headers,
        body,
        text: () => body.toString('utf8'),
        json: () => {
          try {
            return JSON.parse(body.toString('utf8')) as unknown;
          } catch (error) {
            throw new SearchServiceError(service, 'malformed', `the response from ${safeUrl(url)} is not valid JSON (${(error as Error).message}; ${body.length} bytes)`);
          }
        },
      };
    } catch (error) {
      if (error instanceof SearchServiceError) throw error;
      if (signal?.aborted) throw new SearchServiceError(service, 'cancelled', 'cancelled');
      if (timeout.aborted) throw new SearchServiceError(service, 'timeout', `no complete response from ${safeUrl(url)} within ${this.policy.timeoutMs} ms`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SearchServiceError(service, 'network', `request to ${safeUrl(url)} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    } finally {
      release();
    }
  }
}

/** A short excerpt of an error body ("error" field of a JSON body, else its first characters). */
function describeErrorBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return `: ${parsed.error.slice(0, 200)}`;
    if (parsed.error && typeof (parsed.error as { message?: unknown }).message === 'string') return `: ${(parsed.error as { message: string }).message.slice(0, 200)}`;
  } catch {
    // not JSON
  }
  const trimmed = text.trim().slice(0, 120);
  return trimmed ? `: ${trimmed}` : '';
}
