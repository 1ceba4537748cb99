// Every tool call goes through here. Modes: live (always call the service and refresh the entry),
// cache-first (call only on a miss), replay-only (a miss is an error: deterministic training and debugging).
// Concurrent calls with the same key share one service call (a GRPO group searches the same image n times).
// Failed calls are logged, not cached, so a later call can succeed.
import type { CacheMode, CacheStatus, SearchResultItem } from '../../../shared/contract';
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

export class SearchCache {
  private readonly inFlight = new Map<string, Promise<Produced>>();

  constructor(private readonly store: Store) {}

  async call(identity: CallIdentity, mode: CacheMode, produce: () => Promise<Produced>, budget?: SearchBudget, expectedCost = 0): Promise<Served> {
    const repo = this.store.repos.searchCache;
    const key = cacheKey(identity);
    const started = performance.now();
    const log = (status: CacheStatus, cost: number) => repo.logCall({ key, tool: identity.tool, engine: identity.engine, status, latencyMs: performance.now() - started, cost });

    if (mode !== 'live') {
      const entry = repo.get(key);
      if (entry) {
        // One transaction for both writes: a hit is the hot path of every replayed rollout.
        this.store.db.transaction(() => {
          repo.recordHit(key);
          log('hit', 0);
        })();
        return { key, status: 'hit', raw: entry.raw, output: entry.output, images: entry.images, results: entry.results, cost: 0, latencyMs: performance.now() - started };
      }
      const shared = this.inFlight.get(key);
      if (shared) {
        const produced = await shared;
        repo.recordHit(key);
        log('hit', 0);
        return { key, status: 'hit', ...produced, cost: 0, latencyMs: performance.now() - started };
      }
      if (mode === 'replay-only') {
        log('replay-miss', 0);
        throw new CacheMissError(key);
      }
    }

    const refusal = budget?.refusal(expectedCost);
    if (refusal) {
      log('budget-spent', 0);
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
        raw: JSON.parse(redact(JSON.stringify(produced.raw ?? null))),
        output: produced.output,
        images: produced.images,
        results: produced.results,
        latencyMs,
        cost: produced.cost,
      });
      log(existed ? 'refreshed' : 'miss', produced.cost);
    })();
    return { key, status: existed ? 'refreshed' : 'miss', ...produced, latencyMs };
  }
}
