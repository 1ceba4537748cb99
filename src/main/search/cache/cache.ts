// Every tool call goes through here. Modes: live (always call the service and refresh the entry),
// cache-first (call only on a miss), replay-only (a miss is an error: deterministic training and debugging).
// Concurrent calls with the same key share one service call (a GRPO group searches the same image n times).
// Failed calls are logged, not cached, so a later call can succeed. A degraded result (a reader, summariser or
// thumbnail failed) is cached marked as such: cache-first calls it again until it comes back whole, and serves
// the degraded entry when that call fails or cannot help (the part that failed is known to be still failing, as
// when its provider was stopped in this run); replay-only replays it, still marked.
import {
  degradationOf,
  type Degradation,
  type CacheEntry,
  type CacheMode,
  type CacheStatus,
  type SearchResultItem,
} from '../../../shared/contract';
import type { Store } from '../../storage';
import { redact } from '../../platform/log';
import type { SearchBudget } from '../budget';
import type { CallIdentity } from './key';
import { cacheKey } from './key';

export interface Produced {
  raw: unknown;
  output: string;
  images: string[];
  results: SearchResultItem[];
  cost: number;
  /** Parts that failed; stored in the entry's raw response as "degraded". */
  degraded?: Degradation[];
}

export interface Served extends Produced {
  key: string;
  status: CacheStatus;
  latencyMs: number;
}

export class CacheMissError extends Error {
  constructor(readonly key: string) {
    super('Not in the search cache, and the mode is replay-only');
    this.name = 'CacheMissError';
  }
}

export class BudgetSpentError extends Error {
  constructor(reason: string) {
    super(`Search budget spent: ${reason}`);
    this.name = 'BudgetSpentError';
  }
}

/** An error from producing a result, with what it cost. */
export class ProduceError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly cost: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ProduceError';
  }
}

/** The money per provider a result records in its raw response ("costs"), for the call log. */
function costsOf(raw: unknown): Record<string, number> | undefined {
  const costs = raw && typeof raw === 'object' ? (raw as { costs?: unknown }).costs : undefined;
  if (!costs || typeof costs !== 'object' || Array.isArray(costs)) return undefined;
  const entries = Object.entries(costs).filter((e): e is [string, number] => typeof e[1] === 'number');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function withDegradation(raw: unknown, degraded: Degradation[] | undefined): unknown {
  if (!degraded?.length) return raw;
  return { ...(raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : { response: raw }), degraded };
}

export interface CallOptions {
  budget?: SearchBudget;
  /** What the call is expected to cost, checked against the budget before the service is called. */
  expectedCost?: number;
  /**
   * True when calling the service again could not mend these failed parts (their provider is stopped for this
   * run): the degraded entry is served as a hit instead of paying for the same degraded answer again.
   */
  stillFailing?(degraded: Degradation[]): boolean;
}

export class SearchCache {
  private readonly inFlight = new Map<string, Promise<Produced>>();

  constructor(private readonly store: Store) {}

  async call(
    identity: CallIdentity,
    mode: CacheMode,
    produce: () => Promise<Produced>,
    options: CallOptions = {},
  ): Promise<Served> {
    const { budget, expectedCost = 0 } = options;
    const repo = this.store.repos.searchCache;
    const key = cacheKey(identity);
    const started = performance.now();
    const log = (status: CacheStatus, cost: number, costs?: Record<string, number>) =>
      repo.logCall({
        key,
        tool: identity.tool,
        engine: identity.engine,
        status,
        latencyMs: performance.now() - started,
        cost,
        costs,
      });

    const served = (entry: CacheEntry): Served => ({
      key,
      status: 'hit',
      raw: entry.raw,
      output: entry.output,
      images: entry.images,
      results: entry.results,
      cost: 0,
      degraded: degradationOf(entry.raw),
      latencyMs: performance.now() - started,
    });
    let stale: CacheEntry | undefined;
    if (mode !== 'live') {
      const entry = repo.get(key);
      const failed = entry ? degradationOf(entry.raw) : [];
      const worthRefetching = failed.length > 0 && mode !== 'replay-only' && !options.stillFailing?.(failed);
      if (entry && !worthRefetching) {
        // One transaction for both writes: a hit is the hot path of every replayed rollout.
        this.store.db.transaction(() => {
          repo.recordHit(key);
          log('hit', 0);
        })();
        return served(entry);
      }
      const shared = this.inFlight.get(key);
      if (shared) {
        const produced = await shared.catch((error) => {
          if (entry) return null;
          throw error;
        });
        repo.recordHit(key);
        log('hit', 0);
        return produced
          ? { key, status: 'hit', ...produced, cost: 0, latencyMs: performance.now() - started }
          : served(entry!);
      }
      if (mode === 'replay-only') {
        log('replay-miss', 0);
        throw new CacheMissError(key);
      }
      // A degraded entry is called again; if that call cannot be made or fails, the entry is still better than nothing.
      stale = entry;
    }

    const refusal = budget?.refusal(expectedCost);
    if (refusal) {
      log('budget-spent', 0);
      if (stale) return served(stale);
      throw new BudgetSpentError(refusal);
    }
    const existed = repo.has(key);
    const pending = produce();
    this.inFlight.set(key, pending);
    let produced: Produced;
    try {
      produced = await pending;
    } catch (error) {
      const cost = error instanceof ProduceError ? error.cost : 0;
      budget?.charge(cost);
      log('error', cost);
      if (stale) return served(stale);
      throw error;
    } finally {
      this.inFlight.delete(key);
    }
    budget?.charge(produced.cost);
    const latencyMs = performance.now() - started;
    this.store.db.transaction(() => {
      repo.put({
        key,
        tool: identity.tool,
        engine: identity.engine,
        query: identity.query,
        imageSha256: identity.imageSha256,
        params: identity.params,
        mode,
        // A service may echo request parameters; keys registered as secrets never reach the cache or exports.
        raw: JSON.parse(redact(JSON.stringify(withDegradation(produced.raw ?? null, produced.degraded)))),
        output: produced.output,
        images: produced.images,
        results: produced.results,
        latencyMs,
        cost: produced.cost,
      });
      log(existed ? 'refreshed' : 'miss', produced.cost, costsOf(produced.raw));
    })();
    return { key, status: existed ? 'refreshed' : 'miss', ...produced, latencyMs };
  }
}
