// One HTTP client for every web search service: a per-call timeout, retries chosen by cause, a rate limit
// (token bucket) and a cap on calls in flight. A refused key or a spent quota stops at once with the provider's
// own message; a rate limit waits as long as the service asks (Retry-After, x-ratelimit-reset-*, "try again in
// 20s"); 5xx and network errors back off exponentially with full jitter. No call waits longer in all than the
// backoff ceiling. Errors name the service and the URL without its query string (where keys travel), and are
// redacted again for any registered secret.
import { redact } from '../../platform/log';
import { isQuotaStop, parseRetryAfter, rateLimitWaitMs, readErrorBody } from './failures';

export { parseRetryAfter };

export interface HttpPolicy {
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  ratePerSecond: number;
  /** First backoff step; attempt n waits a random time up to base·2^n, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The most one call waits in all between its attempts; a rate limit asking for longer fails at once. */
  backoffCeilingMs?: number;
}

/** auth: the key was refused; quota: out of searches or credit. Both are permanent for this key. */
export type HttpErrorKind =
  'timeout' | 'network' | 'http' | 'auth' | 'quota' | 'rate-limit' | 'malformed' | 'cancelled';

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

  /** Calling this service again with the same key cannot succeed until someone changes the key or the plan. */
  get permanent(): boolean {
    return this.kind === 'auth' || this.kind === 'quota';
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
    const ceiling = this.policy.backoffCeilingMs ?? 60_000;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new SearchServiceError(service, 'cancelled', 'cancelled');
      let failure: SearchServiceError;
      let askedWaitMs: number | null = null;
      try {
        const response = await this.once(service, url, init, signal);
        if (response.status < 400) return response;
        ({ failure, askedWaitMs } = this.classify(service, url, response));
      } catch (error) {
        if (!(error instanceof SearchServiceError) || (error.kind !== 'timeout' && error.kind !== 'network'))
          throw error;
        failure = error;
      }
      const retryable =
        failure.kind === 'rate-limit' ||
        failure.kind === 'timeout' ||
        failure.kind === 'network' ||
        (failure.kind === 'http' && (failure.status ?? 0) >= 500);
      if (!retryable) throw failure;
      const detail = failure.message.replace(`${service}: `, '');
      if (askedWaitMs !== null && askedWaitMs > ceiling) {
        throw new SearchServiceError(
          service,
          failure.kind,
          `${detail} (it asks to wait ${Math.ceil(askedWaitMs / 1000)} s, longer than the ${Math.round(ceiling / 1000)} s backoff ceiling)`,
          failure.status,
        );
      }
      const delayMs = Math.max(askedWaitMs ?? 0, this.backoffMs(attempt));
      if (attempt >= this.policy.maxRetries || waited + delayMs > ceiling) {
        throw new SearchServiceError(
          service,
          failure.kind,
          `${detail} (after ${attempt + 1} attempts)`,
          failure.status,
        );
      }
      this.options.onRetry?.({ service, attempt: attempt + 1, delayMs, reason: failure.message });
      await this.sleep(delayMs);
      waited += delayMs;
    }
  }

  /** What an HTTP error status means for this call, with the provider's own message in full. */
  private classify(
    service: string,
    url: string,
    response: HttpResponse,
  ): { failure: SearchServiceError; askedWaitMs: number | null } {
    const { status } = response;
    const body = readErrorBody(response.text());
    const said = body.message ? `: ${body.message}` : '';
    const where = `HTTP ${status} from ${safeUrl(url)}`;
    if (status === 401 || status === 403)
      return {
        failure: new SearchServiceError(service, 'auth', `${where}: the API key was refused${said}`, status),
        askedWaitMs: null,
      };
    if (isQuotaStop(status, body))
      return {
        failure: new SearchServiceError(service, 'quota', `${where}: out of quota or credit${said}`, status),
        askedWaitMs: null,
      };
    if (status === 429)
      return {
        failure: new SearchServiceError(service, 'rate-limit', `${where}: rate limited${said}`, status),
        askedWaitMs: rateLimitWaitMs(response.headers, body.message),
      };
    return {
      failure: new SearchServiceError(service, 'http', `${where}${said}`, status),
      askedWaitMs: status >= 500 ? parseRetryAfter(response.headers.get('retry-after')) : null,
    };
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
            // A plain-text reply is often the service's own explanation (a proxy's error, a reader's notice): keep it.
            const text = body.toString('utf8');
            const said = /^\s*[[{]/.test(text) ? null : readErrorBody(text).message;
            throw new SearchServiceError(
              service,
              'malformed',
              `the response from ${safeUrl(url)} is not valid JSON (${(error as Error).message}; ${body.length} bytes)${said ? `: ${said}` : ''}`,
            );
          }
        },
      };
    } catch (error) {
      if (error instanceof SearchServiceError) throw error;
      if (signal?.aborted) throw new SearchServiceError(service, 'cancelled', 'cancelled');
      if (timeout.aborted)
        throw new SearchServiceError(
          service,
          'timeout',
          `no complete response from ${safeUrl(url)} within ${this.policy.timeoutMs} ms`,
        );
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SearchServiceError(
        service,
        'network',
        `request to ${safeUrl(url)} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    } finally {
      release();
    }
  }
}
