// The one tool interface rollouts use: imageSearch(the question's image) and textSearch(query), each returning
// what the model sees (text, plus thumbnails for image search) and the raw results for the debugger. Every call
// goes through the cache; engines are the local corpus or SerpApi (+ Jina Reader + a summariser).
import type { CacheMode, SearchConfig, SearchEngineKind, SearchResultItem, SearchTool, ToolCallResult } from '../../../shared/contract';
import type { Store } from '../../storage';
import { sha256Hex } from '../../storage/repositories/images';
import { errorMessage } from '../../platform/errors';
import { logger, redact } from '../../platform/log';
import { BudgetSpentError, CacheMissError, ProduceError, SearchCache, type Produced } from '../cache/cache';
import { cacheKey } from '../cache/key';
import type { SearchBudget } from '../budget';
import { LocalSearchEngine } from '../local/engine';
import { FINGERPRINT_VERSION, describeImage, thumbnail } from '../local/imagehash';
import { HttpClient, SearchServiceError } from '../web/http';
import { SerpApiClient } from '../web/serpapi';
import { JinaReader } from '../web/jina';
import { OpenAiSummariser } from '../web/openai';
import { ExtractiveSummariser, localModelSummariser, type Summariser } from '../summarise';
import { formatImageResults, formatTextResults, formatToolError, type ToolFailure } from './format';

const log = logger('search');

export interface SearchImageInput {
  bytes: Uint8Array;
  /** A public URL of the same image; SerpApi's Google Lens needs one. */
  url?: string | null;
}

export interface SearchToolbox {
  imageSearch(image: SearchImageInput, signal?: AbortSignal): Promise<ToolCallResult>;
  textSearch(query: string, signal?: AbortSignal): Promise<ToolCallResult>;
}

export interface ToolboxOptions {
  store: Store;
  config: SearchConfig;
  /** API key lookup; called only when a web engine needs one. */
  key(name: 'serpapi' | 'jina' | 'summariser'): string | undefined;
  engine?: SearchEngineKind;
  corpus?: string | null;
  mode?: CacheMode;
  budget?: SearchBudget;
  /** Share these across toolboxes to share the rate limit, concurrency cap and image index. */
  http?: HttpClient;
  local?: LocalSearchEngine;
  summariser?: Summariser;
}

class BadInput extends Error {}

function failureOf(error: unknown): ToolFailure {
  const inner = error instanceof ProduceError ? error.cause : error;
  if (inner instanceof CacheMissError) return 'not-cached';
  if (inner instanceof BudgetSpentError) return 'budget';
  if (inner instanceof BadInput) return 'bad-input';
  if (inner instanceof SearchServiceError && inner.kind === 'timeout') return 'timeout';
  if (inner instanceof SearchServiceError) return 'unavailable';
  return 'bad-input';
}

export function createSearchToolbox(options: ToolboxOptions): SearchToolbox {
  const { store, config } = options;
  const engine = options.engine ?? config.engine;
  const corpus = options.corpus === undefined ? config.corpus : options.corpus;
  const mode = options.mode ?? config.mode;
  const http = options.http ?? new HttpClient(config.reliability);
  const local = options.local ?? new LocalSearchEngine(store);
  const cache = new SearchCache(store);
  let summariser: Summariser | null = options.summariser ?? null;
  const getSummariser = (): Summariser => {
    if (summariser) return summariser;
    const s = config.summariser;
    if (s.kind === 'openai') {
      summariser = new OpenAiSummariser(http, { baseUrl: s.baseUrl, apiKey: options.key('summariser'), model: s.model, maxTokens: s.maxTokens, pricePerCall: config.prices.summariserCall });
    } else if (s.kind === 'local-model') summariser = localModelSummariser({ maxTokens: s.maxTokens });
    else summariser = new ExtractiveSummariser();
    return summariser;
  };
  const serpapi = () => {
    const apiKey = options.key('serpapi');
    if (!apiKey) throw new BadInput('No SerpApi key: set one in Settings → Search, or the SERPAPI_API_KEY environment variable');
    return new SerpApiClient(http, { baseUrl: config.serpapi.baseUrl, apiKey, hl: config.serpapi.hl, gl: config.serpapi.gl });
  };

  async function run(tool: SearchTool, identity: { query: string | null; imageSha256: string | null; params: Record<string, unknown> }, expectedCost: number, produce: () => Promise<Produced>): Promise<ToolCallResult> {
    const started = performance.now();
    try {
      const served = await cache.call({ tool, engine, ...identity }, mode, produce, options.budget, expectedCost);
      return { tool, engine, key: served.key, cache: served.status, ok: true, text: served.output, images: served.images, results: served.results, error: null, latencyMs: served.latencyMs, cost: served.cost };
    } catch (error) {
      const failure = failureOf(error);
      const message = redact(errorMessage(error));
      if (failure !== 'not-cached' && failure !== 'budget') log.warn(`${tool} via ${engine} failed: ${message}`);
      const status = failure === 'not-cached' ? 'replay-miss' : failure === 'budget' ? 'budget-spent' : 'error';
      return {
        tool,
        engine,
        key: cacheKey({ tool, engine, ...identity }),
        cache: status,
        ok: false,
        text: formatToolError(tool, failure),
        images: [],
        results: [],
        error: message,
        latencyMs: performance.now() - started,
        cost: error instanceof ProduceError ? error.cost : 0,
      };
    }
  }

  async function storeThumbnail(bytes: Uint8Array): Promise<string> {
    const thumb = await thumbnail(bytes);
    return store.repos.images.put(thumb.bytes, { mime: thumb.mime, width: thumb.width, height: thumb.height });
  }

  async function fetchThumbnail(url: string, signal?: AbortSignal): Promise<string> {
    const data = /^data:image\/[\w.+-]+;base64,(.*)$/s.exec(url);
    const bytes = data ? Buffer.from(data[1], 'base64') : (await http.request('Thumbnail', url, {}, signal)).body;
    return storeThumbnail(bytes);
  }

  return {
    async imageSearch(image, signal) {
      const imageSha256 = sha256Hex(image.bytes);
      const k = config.imageTopK;
      // The question's image is kept (content-addressed, so once) for the debugger to show beside its results.
      const keepQueryImage = async () => {
        if (store.repos.images.meta(imageSha256)) return;
        try {
          store.repos.images.put(image.bytes, await describeImage(image.bytes));
        } catch (error) {
          throw new BadInput(`The query is not a readable image: ${errorMessage(error)}`);
        }
      };
      if (engine === 'local') {
        return run('image_search', { query: null, imageSha256, params: { k, corpus: corpus ?? '*', index: FINGERPRINT_VERSION } }, 0, async () => {
          await keepQueryImage();
          let hits;
          try {
            hits = await local.searchImage(image.bytes, corpus, k);
          } catch (error) {
            throw new BadInput(errorMessage(error));
          }
          const results: SearchResultItem[] = hits.map((h, i) => ({
            rank: i + 1,
            title: h.title,
            url: h.url,
            // For the debugger only; the model sees the thumbnail and the title.
            snippet: `visual similarity ${Math.round((1 - h.distance) * 100)}%`,
            summary: null,
            imageSha256: h.thumbSha256,
            imageUrl: null,
          }));
          return { raw: { engine: 'local', corpus: corpus ?? null, hits: hits.map((h) => ({ title: h.title, url: h.url, distance: h.distance })) }, output: formatImageResults(results), images: hits.map((h) => h.thumbSha256), results, cost: 0 };
        });
      }
      const price = config.prices.serpapiSearch;
      return run('image_search', { query: null, imageSha256, params: { k, hl: config.serpapi.hl, gl: config.serpapi.gl } }, price, async () => {
        if (!image.url) throw new BadInput("SerpApi's Google Lens searches by image URL and this image has none; give the sample an image URL, or use the local engine");
        await keepQueryImage();
        const client = serpapi();
        let found;
        try {
          found = await client.lens(image.url, k, signal);
        } catch (error) {
          // SerpApi does not bill failed searches.
          throw new ProduceError(error, 0);
        }
        const thumbErrors: string[] = [];
        const results: SearchResultItem[] = [];
        for (const [i, match] of found.matches.entries()) {
          const source = match.thumbnail ?? match.image ?? null;
          let sha: string | null = null;
          if (source) {
            try {
              sha = await fetchThumbnail(source, signal);
            } catch (error) {
              thumbErrors.push(`${i + 1}: ${errorMessage(error)}`);
            }
          }
          results.push({ rank: i + 1, title: match.title, url: match.link, snippet: match.source ?? null, summary: null, imageSha256: sha, imageUrl: source && !source.startsWith('data:') ? source : null });
        }
        return {
          raw: { response: found.raw, thumbnailErrors: thumbErrors },
          output: formatImageResults(results),
          images: results.flatMap((r) => (r.imageSha256 ? [r.imageSha256] : [])),
          results,
          cost: price,
        };
      });
    },

    async textSearch(query, signal) {
      const k = config.textTopK;
      const sum = (() => {
        try {
          return getSummariser();
        } catch (error) {
          return error as Error;
        }
      })();
      const summariserId = sum instanceof Error ? 'unavailable' : sum.id;
      const summarise = async (page: { title: string; url: string; text: string }) => {
        if (sum instanceof Error) throw new BadInput(sum.message);
        return sum.summarise(query, page, signal);
      };
      if (engine === 'local') {
        return run('text_search', { query, imageSha256: null, params: { k, corpus: corpus ?? '*', summariser: summariserId } }, 0, async () => {
          let hits;
          try {
            hits = local.searchText(query, corpus, k);
          } catch (error) {
            throw new BadInput(errorMessage(error));
          }
          let cost = 0;
          const results: SearchResultItem[] = [];
          for (const [i, hit] of hits.entries()) {
            const summary = await summarise({ title: hit.title, url: hit.url, text: hit.body });
            cost += summary.cost;
            results.push({ rank: i + 1, title: hit.title, url: hit.url, snippet: hit.snippet, summary: summary.summary, imageSha256: null, imageUrl: null });
          }
          return { raw: { engine: 'local', corpus: corpus ?? null, hits: hits.map((h) => ({ title: h.title, url: h.url, score: h.score, snippet: h.snippet })) }, output: formatTextResults(query, results), images: [], results, cost };
        });
      }
      const pagePrice = (config.reader.enabled ? config.prices.readerPage : 0) + config.prices.summariserCall;
      const expected = config.prices.serpapiSearch + k * pagePrice;
      const params = { k, hl: config.serpapi.hl, gl: config.serpapi.gl, reader: config.reader.enabled ? `jina:${config.reader.maxChars}` : 'off', summariser: summariserId };
      return run('text_search', { query, imageSha256: null, params }, expected, async () => {
        const client = serpapi();
        let found;
        try {
          found = await client.google(query, k, signal);
        } catch (error) {
          throw new ProduceError(error, 0);
        }
        let cost = config.prices.serpapiSearch;
        const reader = config.reader.enabled ? new JinaReader(http, { baseUrl: config.reader.baseUrl, apiKey: options.key('jina'), maxChars: config.reader.maxChars }) : null;
        const pageErrors: string[] = [];
        // Pages are read and summarised in parallel; the HTTP client's cap bounds how many at once.
        const results = await Promise.all(
          found.results.map(async (r, i): Promise<SearchResultItem> => {
            let text = r.snippet ?? '';
            if (reader) {
              try {
                text = (await reader.read(r.link, signal)).text || text;
                cost += config.prices.readerPage;
              } catch (error) {
                pageErrors.push(`${i + 1} read: ${errorMessage(error)}`);
              }
            }
            let summary: string | null = null;
            try {
              const s = await summarise({ title: r.title, url: r.link, text });
              summary = s.summary;
              cost += s.cost;
            } catch (error) {
              pageErrors.push(`${i + 1} summary: ${errorMessage(error)}`);
            }
            return { rank: i + 1, title: r.title, url: r.link, snippet: r.snippet ?? null, summary, imageSha256: null, imageUrl: null };
          }),
        );
        return { raw: { response: found.raw, pageErrors }, output: formatTextResults(query, results), images: [], results, cost };
      });
    },
  };
}
