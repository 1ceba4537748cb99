// All SQL about the search cache (one row per distinct call) and the call log behind its statistics.
import type { Db } from '../database';
import type {
  CacheEntry,
  CacheEntrySummary,
  CacheMode,
  CacheStatus,
  SearchEngineKind,
  SearchResultItem,
  SearchTool,
} from '../../../shared/contract';

interface CacheRow {
  key: string;
  tool: SearchTool;
  engine: SearchEngineKind;
  query: string | null;
  image_sha256: string | null;
  params: string;
  raw: string | null;
  output: string | null;
  output_images: string | null;
  results: string;
  mode: CacheMode;
  latency_ms: number | null;
  cost: number;
  hits: number;
  created_at: number;
  last_hit_at: number | null;
  /** JSON list of the parts recorded as failed in raw.degraded (computed by SELECT_ROW). */
  degraded_parts: string;
}

/** Every column, and the failed parts read out of the raw response's "degraded" list. */
const SELECT_ROW = `SELECT *,
  (SELECT json_group_array(json_extract(d.value, '$.part'))
   FROM json_each(search_cache.raw, '$.degraded') d) AS degraded_parts
  FROM search_cache`;

export interface NewCacheEntry {
  key: string;
  tool: SearchTool;
  engine: SearchEngineKind;
  query: string | null;
  imageSha256: string | null;
  params: Record<string, unknown>;
  mode: CacheMode;
  raw: unknown;
  output: string;
  images: string[];
  results: SearchResultItem[];
  latencyMs: number;
  cost: number;
  createdAt?: number;
}

function toSummary(row: CacheRow): CacheEntrySummary {
  return {
    key: row.key,
    tool: row.tool,
    engine: row.engine,
    query: row.query,
    imageSha256: row.image_sha256,
    params: JSON.parse(row.params) as Record<string, unknown>,
    mode: row.mode,
    resultCount: (JSON.parse(row.results) as unknown[]).length,
    latencyMs: row.latency_ms,
    cost: row.cost,
    hits: row.hits,
    createdAt: row.created_at,
    lastHitAt: row.last_hit_at,
    degraded: JSON.parse(row.degraded_parts ?? '[]') as CacheEntrySummary['degraded'],
  };
}

function toEntry(row: CacheRow): CacheEntry {
  return {
    ...toSummary(row),
    output: row.output ?? '',
    images: JSON.parse(row.output_images ?? '[]') as string[],
    results: JSON.parse(row.results) as SearchResultItem[],
    raw: row.raw === null ? null : (JSON.parse(row.raw) as unknown),
  };
}

export function createSearchCacheRepository(db: Db) {
  const byKey = db.prepare<[string], CacheRow>(`${SELECT_ROW} WHERE key = ?`);
  const upsert = db.prepare(`INSERT INTO search_cache
    (key, tool, engine, query, image_sha256, params, raw, output, output_images, results, mode, latency_ms, cost, hits,
     created_at)
    VALUES (@key, @tool, @engine, @query, @image, @params, @raw, @output, @images, @results, @mode, @latency, @cost, 0, @createdAt)
    ON CONFLICT(key) DO UPDATE SET raw = excluded.raw, output = excluded.output, output_images = excluded.output_images, results = excluded.results,
      mode = excluded.mode, latency_ms = excluded.latency_ms, cost = excluded.cost, created_at = excluded.created_at`);
  const hit = db.prepare('UPDATE search_cache SET hits = hits + 1, last_hit_at = ? WHERE key = ?');
  const logCall = db.prepare(
    'INSERT INTO search_calls (key, tool, engine, status, latency_ms, cost, costs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    get(key: string): CacheEntry | undefined {
      const row = byKey.get(key);
      return row ? toEntry(row) : undefined;
    },
    has(key: string): boolean {
      return byKey.get(key) !== undefined;
    },
    put(entry: NewCacheEntry): void {
      upsert.run({
        key: entry.key,
        tool: entry.tool,
        engine: entry.engine,
        query: entry.query,
        image: entry.imageSha256,
        params: JSON.stringify(entry.params),
        raw: JSON.stringify(entry.raw ?? null),
        output: entry.output,
        images: JSON.stringify(entry.images),
        results: JSON.stringify(entry.results),
        mode: entry.mode,
        latency: entry.latencyMs,
        cost: entry.cost,
        createdAt: entry.createdAt ?? Date.now(),
      });
    },
    /** Inserts only when absent (import); returns whether it did. */
    putIfAbsent(entry: NewCacheEntry): boolean {
      if (byKey.get(entry.key)) return false;
      this.put(entry);
      return true;
    },
    recordHit(key: string): void {
      hit.run(Date.now(), key);
    },
    /** status is a CacheStatus, or "upload" for an image sent to SerpApi's Image API. */
    logCall(call: {
      key: string;
      tool: SearchTool;
      engine: SearchEngineKind;
      status: CacheStatus | 'upload';
      latencyMs: number;
      cost: number;
      /** What the call paid per provider (adding up to cost); without it, a cost is counted under the engine. */
      costs?: Record<string, number>;
    }): void {
      const costs = call.costs && Object.keys(call.costs).length ? JSON.stringify(call.costs) : null;
      logCall.run(call.key, call.tool, call.engine, call.status, call.latencyMs, call.cost, costs, Date.now());
    },
    list(filter: {
      tool?: SearchTool;
      engine?: SearchEngineKind;
      mode?: CacheMode;
      text?: string;
      degraded?: boolean;
      limit: number;
      offset: number;
    }): { entries: CacheEntrySummary[]; total: number } {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.tool) (where.push('tool = ?'), args.push(filter.tool));
      if (filter.engine) (where.push('engine = ?'), args.push(filter.engine));
      if (filter.mode) (where.push('mode = ?'), args.push(filter.mode));
      if (filter.degraded) where.push(`json_array_length(raw, '$.degraded') > 0`);
      if (filter.text)
        (where.push("(coalesce(query, '') LIKE ? ESCAPE '\\' OR output LIKE ? ESCAPE '\\')"),
          args.push(...Array(2).fill(`%${filter.text.replace(/[\\%_]/g, '\\$&')}%`)));
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT count(*) AS n FROM search_cache ${clause}`).get(...args) as { n: number }).n;
      const rows = db
        .prepare(`${SELECT_ROW} ${clause} ORDER BY created_at DESC, key LIMIT ? OFFSET ?`)
        .all(...args, filter.limit, filter.offset) as CacheRow[];
      return { entries: rows.map(toSummary), total };
    },
    /** Every entry in a stable order, a page at a time (export). */
    page(afterKey: string, limit: number): CacheEntry[] {
      return (db.prepare(`${SELECT_ROW} WHERE key > ? ORDER BY key LIMIT ?`).all(afterKey, limit) as CacheRow[]).map(
        toEntry,
      );
    },
    delete(keys: string[]): number {
      const stmt = db.prepare('DELETE FROM search_cache WHERE key = ?');
      return db.transaction(() => keys.reduce((n, key) => n + stmt.run(key).changes, 0))();
    },
    clear(tool?: SearchTool): number {
      return db.transaction(() => {
        if (tool) {
          db.prepare('DELETE FROM search_calls WHERE tool = ?').run(tool);
          return db.prepare('DELETE FROM search_cache WHERE tool = ?').run(tool).changes;
        }
        db.prepare('DELETE FROM search_calls').run();
        return db.prepare('DELETE FROM search_cache').run().changes;
      })();
    },
    /**
     * Entries recorded with a failed part; images uploaded for Lens; money per provider, from the log of every call
     * (so it adds up to the money spent): a call's own split, or its engine for a call logged without one.
     */
    health(): { degraded: number; uploads: number; byProvider: Record<string, number> } {
      const degraded = (
        db.prepare(`SELECT count(*) AS n FROM search_cache WHERE json_array_length(raw, '$.degraded') > 0`).get() as {
          n: number;
        }
      ).n;
      const uploads = (
        db.prepare(`SELECT count(*) AS n FROM search_calls WHERE status = 'upload'`).get() as { n: number }
      ).n;
      const spend = db
        .prepare(
          `SELECT provider, sum(cost) AS cost FROM (
             SELECT j.key AS provider, j.value AS cost FROM search_calls, json_each(search_calls.costs) j
             WHERE search_calls.costs IS NOT NULL
             UNION ALL
             SELECT engine AS provider, cost FROM search_calls WHERE costs IS NULL AND cost > 0
           ) GROUP BY provider`,
        )
        .all() as { provider: string; cost: number }[];
      return { degraded, uploads, byProvider: Object.fromEntries(spend.map((s) => [s.provider, s.cost])) };
    },
    /** Per tool and engine: entries, hits, misses (calls that went to the service), errors, money spent. */
    stats(): {
      tool: SearchTool;
      engine: SearchEngineKind;
      entries: number;
      hits: number;
      misses: number;
      errors: number;
      spent: number;
    }[] {
      const entries = db
        .prepare('SELECT tool, engine, count(*) AS n, sum(cost) AS spent FROM search_cache GROUP BY tool, engine')
        .all() as { tool: SearchTool; engine: SearchEngineKind; n: number; spent: number }[];
      const calls = db
        .prepare(
          `SELECT tool, engine,
             sum(status = 'hit') AS hits,
             sum(status IN ('miss', 'refreshed', 'replay-miss')) AS misses,
             sum(status = 'error') AS errors,
             sum(cost) AS spent
           FROM search_calls GROUP BY tool, engine`,
        )
        .all() as {
        tool: SearchTool;
        engine: SearchEngineKind;
        hits: number;
        misses: number;
        errors: number;
        spent: number;
      }[];
      const out = new Map<
        string,
        {
          tool: SearchTool;
          engine: SearchEngineKind;
          entries: number;
          hits: number;
          misses: number;
          errors: number;
          spent: number;
        }
      >();
      for (const e of entries)
        out.set(`${e.tool}/${e.engine}`, {
          tool: e.tool,
          engine: e.engine,
          entries: e.n,
          hits: 0,
          misses: 0,
          errors: 0,
          spent: 0,
        });
      for (const c of calls) {
        const row = out.get(`${c.tool}/${c.engine}`) ?? {
          tool: c.tool,
          engine: c.engine,
          entries: 0,
          hits: 0,
          misses: 0,
          errors: 0,
          spent: 0,
        };
        Object.assign(row, { hits: c.hits, misses: c.misses, errors: c.errors, spent: c.spent ?? 0 });
        out.set(`${c.tool}/${c.engine}`, row);
      }
      return [...out.values()];
    },
  };
}
export type SearchCacheRepository = ReturnType<typeof createSearchCacheRepository>;
