// Search tools: the calls a rollout makes (image search, text search), the cache every call goes through,
// the local engine's corpora, the search settings (endpoints, prices, budgets) and the API keys' status.
// Key values never cross this contract outward: the renderer can set a key, never read one.
import { z } from 'zod';
import { method, NoParams } from './define';

export const SearchTool = z.enum(['image_search', 'text_search']);
export type SearchTool = z.infer<typeof SearchTool>;
/** local: a corpus on this machine; serpapi: Google and Google Lens through SerpApi; searxng: a self-hosted SearXNG (text). */
export const SearchEngineKind = z.enum(['local', 'serpapi', 'searxng']);
export type SearchEngineKind = z.infer<typeof SearchEngineKind>;
/** live: always call the service and refresh the entry; cache-first: call only on a miss; replay-only: a miss is an error. */
export const CacheMode = z.enum(['live', 'cache-first', 'replay-only']);
export type CacheMode = z.infer<typeof CacheMode>;
/** What happened to one call: served from the cache, called the service, or stopped before calling it. */
export const CacheStatus = z.enum(['hit', 'miss', 'refreshed', 'replay-miss', 'budget-spent', 'error']);
export type CacheStatus = z.infer<typeof CacheStatus>;
export const SummariserKind = z.enum(['extractive', 'openai', 'local-model']);
export type SummariserKind = z.infer<typeof SummariserKind>;
export const SecretName = z.enum(['serpapi', 'jina', 'summariser']);
export type SecretName = z.infer<typeof SecretName>;

/** Where a thumbnail goes in the model-facing text; the rollout replaces each with the image's tokens, in order. */
export const IMAGE_PLACEHOLDER = '<image>';

export const SearchResultItem = z.object({
  rank: z.number().int().min(1),
  title: z.string(),
  url: z.string(),
  snippet: z.string().nullable(),
  /** Query-focused summary of the page (text search). */
  summary: z.string().nullable(),
  /** Stored thumbnail (content-addressed image), for image search results. */
  imageSha256: z.string().nullable(),
  /** Where the thumbnail came from, when it came from the web. */
  imageUrl: z.string().nullable(),
});
export type SearchResultItem = z.infer<typeof SearchResultItem>;

/** A part of a search that failed while the search itself still answered (the model got less than it should). */
export const DegradedPart = z.enum(['reader', 'summariser', 'thumbnails']);
export type DegradedPart = z.infer<typeof DegradedPart>;
export const Degradation = z.object({
  part: DegradedPart,
  /** The provider's own message, in full (keys redacted). */
  message: z.string(),
  /** How many of the results it affected, of how many. */
  affected: z.number().int(),
  of: z.number().int(),
});
export type Degradation = z.infer<typeof Degradation>;

const RawWithDegradation = z.object({ degraded: z.array(Degradation) });
/** The failed parts a cache entry's raw response records (none for a whole one). */
export function degradationOf(raw: unknown): Degradation[] {
  return RawWithDegradation.safeParse(raw).data?.degraded ?? [];
}

/** One tool call as the model and the debugger see it. */
export const ToolCallResult = z.object({
  tool: SearchTool,
  engine: SearchEngineKind,
  key: z.string(),
  cache: CacheStatus,
  ok: z.boolean(),
  /** The model-facing text (with IMAGE_PLACEHOLDER where thumbnails go), or the short error text for the model. */
  text: z.string(),
  /** Thumbnails fed back to the model, in placeholder order. */
  images: z.array(z.string()),
  results: z.array(SearchResultItem),
  /** The recorded error for the debugger (null when ok). */
  error: z.string().nullable(),
  latencyMs: z.number(),
  cost: z.number(),
  /** Parts that failed (reader, summariser, thumbnails); empty or absent when the result is whole. */
  degraded: z.array(Degradation).optional(),
});
export type ToolCallResult = z.infer<typeof ToolCallResult>;

export const CacheEntrySummary = z.object({
  key: z.string(),
  tool: SearchTool,
  engine: SearchEngineKind,
  query: z.string().nullable(),
  imageSha256: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  mode: CacheMode,
  resultCount: z.number().int(),
  latencyMs: z.number().nullable(),
  cost: z.number(),
  hits: z.number().int(),
  createdAt: z.number(),
  lastHitAt: z.number().nullable(),
  /** The parts that failed when the entry was made; a cache-first call refetches such an entry. */
  degraded: z.array(DegradedPart).default([]),
});
export type CacheEntrySummary = z.infer<typeof CacheEntrySummary>;

export const CacheEntry = CacheEntrySummary.extend({
  output: z.string(),
  images: z.array(z.string()),
  results: z.array(SearchResultItem),
  raw: z.unknown(),
});
export type CacheEntry = z.infer<typeof CacheEntry>;

export const CacheStats = z.object({
  entries: z.number().int(),
  hits: z.number().int(),
  misses: z.number().int(),
  errors: z.number().int(),
  /** Money paid for the calls that made the entries. */
  spent: z.number(),
  /** Hits × the configured price of a live call of that engine and tool. */
  saved: z.number(),
  byTool: z.record(
    z.string(),
    z.object({ entries: z.number().int(), hits: z.number().int(), misses: z.number().int() }),
  ),
  /** Entries made while a part (reader, summariser, thumbnails) failed. */
  degraded: z.number().int(),
  /** Images uploaded to SerpApi's Image API for Google Lens. */
  uploads: z.number().int(),
  /** Money paid per provider (serpapi, reader, summariser) for the entries in the cache. */
  byProvider: z.record(z.string(), z.number()),
});
export type CacheStats = z.infer<typeof CacheStats>;

export const Corpus = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  source: z.string().nullable(),
  status: z.enum(['ingesting', 'ready']),
  documents: z.number().int(),
  images: z.number().int(),
  createdAt: z.number(),
});
export type Corpus = z.infer<typeof Corpus>;

export const CorpusName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.-]+$/, 'use letters, digits, "_", "-" and "." only');

export const CorpusIngestParams = z
  .object({
    dir: z.string().min(1),
    name: CorpusName,
    description: z.string().max(1000).default(''),
    /** Documents per committed transaction. */
    batchSize: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();

const Price = z.number().min(0).max(1000);
/** SerpApi's Google Lens `type`: which matches it returns. */
export const LensType = z.enum(['all', 'visual_matches', 'exact_matches', 'products']);
export type LensType = z.infer<typeof LensType>;
/** Search settings (not secrets). Prices are per call in the user's currency; edit them to match your plan. */
export const SearchConfig = z.object({
  engine: SearchEngineKind.default('local'),
  corpus: z.string().max(100).nullable().default(null),
  mode: CacheMode.default('cache-first'),
  imageTopK: z.number().int().min(1).max(20).default(5),
  textTopK: z.number().int().min(1).max(20).default(5),
  serpapi: z
    .object({
      baseUrl: z.string().url().default('https://serpapi.com'),
      hl: z.string().max(10).default('en'),
      gl: z.string().max(10).default('us'),
      /** Google Lens: the country of the search (its own parameter, not gl) and the kind of matches. */
      country: z.string().max(10).default('us'),
      lensType: LensType.default('visual_matches'),
    })
    .default({ baseUrl: 'https://serpapi.com', hl: 'en', gl: 'us', country: 'us', lensType: 'visual_matches' }),
  searxng: z
    .object({
      baseUrl: z.string().url().default('http://127.0.0.1:8888'),
      /** SearXNG's language parameter ("all", "en", "en-US"…). */
      language: z.string().max(20).default('en'),
    })
    .default({ baseUrl: 'http://127.0.0.1:8888', language: 'en' }),
  reader: z
    .object({
      enabled: z.boolean().default(true),
      baseUrl: z.string().url().default('https://r.jina.ai'),
      maxChars: z.number().int().min(500).max(200_000).default(20_000),
    })
    .default({ enabled: true, baseUrl: 'https://r.jina.ai', maxChars: 20_000 }),
  summariser: z
    .object({
      kind: SummariserKind.default('extractive'),
      baseUrl: z.string().url().default('https://api.openai.com/v1'),
      model: z.string().max(200).default('gpt-4o-mini'),
      maxTokens: z.number().int().min(16).max(4096).default(256),
    })
    .default({ kind: 'extractive', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', maxTokens: 256 }),
  prices: z
    .object({
      /** SerpApi bills one search per call; 0.015 is its Developer plan ($75 for 5,000 searches). */
      serpapiSearch: Price.default(0.015),
      readerPage: Price.default(0),
      summariserCall: Price.default(0),
    })
    .default({ serpapiSearch: 0.015, readerPage: 0, summariserCall: 0 }),
  budget: z
    .object({
      /** Live calls allowed per run (null: no limit). Cache hits are free and never count. */
      maxCalls: z.number().int().min(0).nullable().default(null),
      maxCost: z.number().min(0).nullable().default(null),
    })
    .default({ maxCalls: null, maxCost: null }),
  reliability: z
    .object({
      timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
      /** Retries after a 5xx, network error or rate limit; twelve let the ceiling, not the count, end the waiting. */
      maxRetries: z.number().int().min(0).max(20).default(12),
      concurrency: z.number().int().min(1).max(64).default(8),
      ratePerSecond: z.number().min(0.1).max(1000).default(10),
      /** First backoff step after a 5xx or network error; it doubles each retry (with full jitter). */
      baseDelayMs: z.number().int().min(1).max(60_000).default(1000),
      /** The most one call waits in all between attempts; a rate limit asking for longer fails at once. */
      backoffCeilingMs: z.number().int().min(0).max(3_600_000).default(60_000),
    })
    .default({
      timeoutMs: 30_000,
      maxRetries: 12,
      concurrency: 8,
      ratePerSecond: 10,
      baseDelayMs: 1000,
      backoffCeilingMs: 60_000,
    }),
});
export type SearchConfig = z.infer<typeof SearchConfig>;
export type SearchConfigIn = z.input<typeof SearchConfig>;

export const SecretStatus = z.object({
  name: SecretName,
  set: z.boolean(),
  /** Where the key comes from: an environment variable wins over the stored one. */
  source: z.enum(['env', 'file', 'safe-storage']).nullable(),
  envVar: z.string(),
});
export type SecretStatus = z.infer<typeof SecretStatus>;

/** Base64 characters of an uploaded query image: leaves room in a 4 MB message for the envelope. */
export const IMAGE_BASE64_MAX = 3_900_000;

export const SearchRunParams = z
  .object({
    tool: SearchTool,
    query: z.string().min(1).max(2000).optional(),
    /** An image file on the engine's machine (CLI). */
    imagePath: z.string().optional(),
    /** An image sent by the UI, base64; it must fit one 4 MB WebSocket message, so the UI downsizes big pictures. */
    imageBase64: z
      .string()
      .max(IMAGE_BASE64_MAX, 'image too large: send at most about 2.9 MB (the UI downsizes larger pictures)')
      .optional(),
    /** A public URL of the same image: Google Lens searches it instead of uploading the file. */
    imageUrl: z.string().url().optional(),
    engine: SearchEngineKind.optional(),
    corpus: z.string().max(100).optional(),
    mode: CacheMode.optional(),
  })
  .strict();

export const CacheListParams = z
  .object({
    tool: SearchTool.optional(),
    engine: SearchEngineKind.optional(),
    mode: CacheMode.optional(),
    text: z.string().max(500).optional(),
    /** Only entries made while a part failed. */
    degraded: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .strict();

export const searchMethods = {
  'search.run': method(
    'Run one image or text search through the cache, as a rollout would',
    SearchRunParams,
    ToolCallResult,
  ),
  'search.cache.list': method(
    'Cache entries, newest first, filtered',
    CacheListParams,
    z.object({ entries: z.array(CacheEntrySummary), total: z.number().int() }),
  ),
  'search.cache.get': method(
    'One cache entry with its results and raw response',
    z.object({ key: z.string() }).strict(),
    CacheEntry,
  ),
  'search.cache.delete': method(
    'Delete cache entries',
    z.object({ keys: z.array(z.string()).min(1).max(10_000) }).strict(),
    z.object({ deleted: z.number().int() }),
  ),
  'search.cache.clear': method(
    'Delete every cache entry (of one tool) and reset the call statistics',
    z.object({ tool: SearchTool.optional() }).strict(),
    z.object({ deleted: z.number().int() }),
  ),
  'search.cache.stats': method('Hits, misses, money spent and saved', NoParams, CacheStats),
  'search.cache.export': method(
    'Write the cache (entries and their images) to a JSONL file',
    z
      .object({
        file: z.string().min(1),
        /** Replace a file already at `file`; without it an existing file is never overwritten. */
        overwrite: z.boolean().optional(),
      })
      .strict(),
    z.object({ file: z.string(), entries: z.number().int() }),
  ),
  'search.cache.import': method(
    'Read a cache export; entries already present are kept',
    z.object({ file: z.string().min(1) }).strict(),
    z.object({ imported: z.number().int(), skipped: z.number().int() }),
  ),
  'search.image': method(
    'A stored thumbnail as base64',
    z.object({ sha256: z.string().length(64) }).strict(),
    z.object({ mime: z.string(), base64: z.string() }),
  ),
  'search.config.get': method('Search settings', NoParams, SearchConfig),
  'search.config.update': method(
    'Change search settings (deep-merged)',
    z.record(z.string(), z.unknown()),
    SearchConfig,
  ),
  'search.secrets.status': method(
    'Which API keys are set and where from (never their values)',
    NoParams,
    z.array(SecretStatus),
  ),
  'search.secrets.set': method(
    'Store an API key',
    z.object({ name: SecretName, value: z.string().min(1).max(1000) }).strict(),
    z.array(SecretStatus),
  ),
  'search.secrets.clear': method(
    'Remove a stored API key',
    z.object({ name: SecretName }).strict(),
    z.array(SecretStatus),
  ),
  'corpus.list': method('Local search corpora', NoParams, z.array(Corpus)),
  'corpus.delete': method(
    'Delete a corpus with its documents',
    z.object({ name: z.string() }).strict(),
    z.object({ deleted: z.boolean() }),
  ),
};
