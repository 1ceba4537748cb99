// Reading a web service's refusal: the provider's own message (in full), whether it is a quota or credit
// stop (never worth retrying), and how long a rate limit asks us to wait. The shapes are the services' own:
// OpenAI-compatible {error:{message,type,code}}, SerpApi {error:"…"}, Jina Reader {name,message,readableMessage}.

/** A plain-text or HTML body is cut here: past this it is a page, not a message. */
const PLAIN_TEXT_MAX = 2000;

interface ErrorBody {
  message: string | null;
  /** OpenAI's error.code or error.type, Jina's error name. */
  code: string | null;
}

export function readErrorBody(text: string): ErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return { message: trimmed ? trimmed.slice(0, PLAIN_TEXT_MAX) : null, code: null };
  }
  if (!parsed || typeof parsed !== 'object') return { message: String(parsed), code: null };
  const body = parsed as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  if (typeof body.error === 'string') return { message: body.error, code: null };
  if (body.error && typeof body.error === 'object') {
    const e = body.error as Record<string, unknown>;
    return { message: str(e.message), code: str(e.code) ?? str(e.type) };
  }
  return { message: str(body.readableMessage) ?? str(body.message) ?? str(body.detail), code: str(body.name) };
}

const QUOTA_CODES = new Set(['insufficient_quota', 'InsufficientBalanceError', 'billing_hard_limit_reached']);
const QUOTA_WORDS = new RegExp(
  [
    'run out of searches',
    'out of searches',
    'insufficient[_ ]quota',
    'exceeded your current quota',
    'balance (is )?not enough',
    'insufficient (balance|credit)',
    'out of credits?',
    'billing (hard )?limit',
    'payment required',
    'please recharge',
  ].join('|'),
  'i',
);

/** A stop that waiting does not fix: out of searches, out of credit, a spent quota. */
export function isQuotaStop(status: number, body: ErrorBody): boolean {
  if (status === 402) return true;
  if (body.code && QUOTA_CODES.has(body.code)) return true;
  return status === 429 && !!body.message && QUOTA_WORDS.test(body.message);
}

/** "1s", "6m0s", "20ms", "1h2m3.5s" (OpenAI's x-ratelimit-reset-* and its messages) in milliseconds. */
export function parseDuration(text: string): number | null {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0));
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * How long a rate-limited service asks us to wait, or null when it does not say. The message's own hint
 * ("Please try again in 20s") is the most specific; then retry-after-ms and Retry-After; then OpenAI's
 * x-ratelimit-reset-requests / -tokens, for the limit that is used up (remaining 0), else the longer one.
 */
export function rateLimitWaitMs(headers: Headers, message: string | null, now = Date.now()): number | null {
  const hint = message ? /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message) : null;
  if (hint) {
    const ms = parseDuration(hint[1]);
    if (ms !== null) return ms;
  }
  const afterMs = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(afterMs)) return Math.round(afterMs);
  const after = parseRetryAfter(headers.get('retry-after'), now);
  if (after !== null) return after;
  const resets: { ms: number; spent: boolean }[] = [];
  for (const limit of ['requests', 'tokens']) {
    const reset = headers.get(`x-ratelimit-reset-${limit}`);
    const ms = reset ? parseDuration(reset) : null;
    if (ms !== null) resets.push({ ms, spent: headers.get(`x-ratelimit-remaining-${limit}`) === '0' });
  }
  if (resets.length === 0) return null;
  const spent = resets.filter((r) => r.spent);
  return Math.max(...(spent.length ? spent : resets).map((r) => r.ms));
}
