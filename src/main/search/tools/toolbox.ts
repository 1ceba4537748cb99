// The one tool interface rollouts use: imageSearch(the question's image) and textSearch(query), each returning
// what the model sees (text, plus thumbnails for image search) and the raw results for the debugger. Every call
// goes through the cache. Engines: the local corpus; SerpApi (Google Lens for images, uploading local images
// through its Image API; Google for text); SearXNG for text (images then go to SerpApi's Lens, as SearXNG has no
// reverse image search). Web text hits go through the reader and summariser chain (web-pages.ts).
import type {
  CacheMode,
  SearchConfig,
  SearchEngineKind,
  SearchResultItem,
  SearchTool,
  ToolCallResult,
} from '../../../shared/contract';
import type { Store } from '../../storage';
import { sha256Hex } from '../../storage/repositories/images';
import { errorMessage } from '../../platform/errors';
import { logger, redact } from '../../platform/log';
import { BudgetSpentError, CacheMissError, ProduceError, SearchCache, type Produced } from '../cache/cache';
import { cacheKey } from '../cache/key';
import type { SearchBudget } from '../budget';
import { LocalSearchEngine } from '../local/engine';
import { FINGERPRINT_VERSION, describeImage, thumbnail } from '../local/imagehash';
import { HttpClient, SearchServiceError, safeUrl } from '../web/http';
import { SerpApiClient, type LensImage } from '../web/serpapi';
import { SearxngClient } from '../web/searxng';
import { LensUploads } from '../web/lens-uploads';
import { JinaReader } from '../web/jina';
import { OpenAiSummariser } from '../web/openai';
import { ExtractiveSummariser, localModelSummariser, type Summariser } from '../summarise';
import { formatImageResults, formatTextResults, formatToolError, type ToolFailure } from './format';
import { ProviderGate, STOPPED_NOTE, StoppedProviderError, type Provider } from './provider-gate';
import { DegradationLog } from './degradation';
import { enrichPages, type PageHit } from './web-pages';

const log = logger('search');

export interface SearchImageInput {
  bytes: Uint8Array;
  /** A public URL of the same image (a dataset's image_url): Google Lens then searches it without an upload. */
  url?: string | null;
}

/** A search provider stopped for a permanent cause (a refused key, spent quota or credit), with its own message. */
export interface SearchStop {
  provider: Provider;
  message: string;
}

export interface SearchToolbox {
  imageSearch(image: SearchImageInput, signal?: AbortSignal): Promise<ToolCallResult>;
  textSearch(query: string, signal?: AbortSignal): Promise<ToolCallResult>;
  /**
   * The first provider these searches need (SerpApi, SearXNG) that has been stopped, or null: every later search
   * through it fails, so a run pauses here instead of going on with failed results. A stopped reader or
   * summariser only degrades results and is not reported here.
   */
  stopped(): SearchStop | null;
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
  /** Share these across toolboxes to share the rate limit, concurrency cap, image index and uploaded image ids. */
  http?: HttpClient;
  local?: LocalSearchEngine;
  uploads?: LensUploads;
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

/** SerpApi answers an image_id it no longer knows (expired after ten minutes) with an error naming it. */
function isStaleImageId(error: unknown): boolean {
  return (
    error instanceof SearchServiceError &&
    !error.permanent &&
    error.kind === 'http' &&
    /image[_ ]id/i.test(error.message)
  );
}

/**
 * SerpApi's answer to a Lens search by a URL that Google could not use: an error about the request (HTTP 4xx or
 * an error string), not a refused key, spent quota, rate limit, timeout or server failure.
 */
function isUrlRefused(error: unknown): boolean {
  return (
    error instanceof SearchServiceError &&
    error.kind === 'http' &&
    (error.status === undefined || (error.status >= 400 && error.status < 500))
  );
}

export function createSearchToolbox(options: ToolboxOptions): SearchToolbox {
  const { store, config } = options;
  const engine = options.engine ?? config.engine;
  const corpus = options.corpus === undefined ? config.corpus : options.corpus;
  const mode = options.mode ?? config.mode;
  const http = options.http ?? new HttpClient(config.reliability);
  const local = options.local ?? new LocalSearchEngine(store);
  const uploads = options.uploads ?? new LensUploads();
  const cache = new SearchCache(store);
  const gate = new ProviderGate((provider, error) =>
    log.warn(`${provider} stopped for these searches: ${redact(error.message)}`),
  );
  let summariser: Summariser | null = options.summariser ?? null;
  const getSummariser = (): Summariser => {
    if (summariser) return summariser;
    const s = config.summariser;
    if (s.kind === 'openai') {
      summariser = new OpenAiSummariser(http, {
        baseUrl: s.baseUrl,
        apiKey: options.key('summariser'),
        model: s.model,
        maxTokens: s.maxTokens,
        pricePerCall: config.prices.summariserCall,
      });
    } else if (s.kind === 'local-model') summariser = localModelSummariser({ maxTokens: s.maxTokens });
    else summariser = new ExtractiveSummariser();
    return summariser;
  };
  const serpapi = () => {
    const apiKey = options.key('serpapi');
    if (!apiKey)
      throw new BadInput(
        'No SerpApi key: set one with `searchlab search config set keys.serpapi -`, in Settings → Search, or in the SERPAPI_API_KEY environment variable',
      );
    const { baseUrl, hl, gl, country, lensType } = config.serpapi;
    return new SerpApiClient(http, { baseUrl, apiKey, hl, gl, country, lensType });
  };

  async function run(
    tool: SearchTool,
    toolEngine: SearchEngineKind,
    identity: { query: string | null; imageSha256: string | null; params: Record<string, unknown> },
    expectedCost: number,
    produce: () => Promise<Produced>,
  ): Promise<ToolCallResult> {
    const started = performance.now();
    try {
      const served = await cache.call({ tool, engine: toolEngine, ...identity }, mode, produce, {
        budget: options.budget,
        expectedCost,
        // A part whose provider is stopped for this run would fail again: the marked entry is served as it is.
        stillFailing: (failed) => failed.some((d) => d.part !== 'thumbnails' && gate.stopOf(d.part) !== undefined),
      });
      const degraded = served.degraded ?? [];
      // Warned once, when it happens: not again for a replayed entry, nor for a provider stopped earlier in the run.
      const report =
        served.status === 'hit' || degraded.every((d) => d.message.endsWith(STOPPED_NOTE)) ? log.debug : log.warn;
      if (degraded.length)
        report(
          `${tool} via ${toolEngine} answered degraded (${served.status}): ` +
            degraded.map((d) => `${d.part} failed on ${d.affected} of ${d.of}: ${d.message}`).join('; '),
        );
      return {
        tool,
        engine: toolEngine,
        key: served.key,
        cache: served.status,
        ok: true,
        text: served.output,
        images: served.images,
        results: served.results,
        error: null,
        latencyMs: served.latencyMs,
        cost: served.cost,
        degraded,
      };
    } catch (error) {
      const failure = failureOf(error);
      const message = redact(errorMessage(error));
      const alreadyReported = (error instanceof ProduceError ? error.cause : error) instanceof StoppedProviderError;
      if (failure !== 'not-cached' && failure !== 'budget' && !alreadyReported)
        log.warn(`${tool} via ${toolEngine} failed: ${message}`);
      const status = failure === 'not-cached' ? 'replay-miss' : failure === 'budget' ? 'budget-spent' : 'error';
      return {
        tool,
        engine: toolEngine,
        key: cacheKey({ tool, engine: toolEngine, ...identity }),
        cache: status,
        ok: false,
        text: formatToolError(tool, failure),
        images: [],
        results: [],
        error: message,
        latencyMs: performance.now() - started,
        cost: error instanceof ProduceError ? error.cost : 0,
        degraded: [],
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

  /**
   * Google Lens on the image: by its public URL when it has one, else by an uploaded image_id (reused while valid).
   * A URL Google cannot fetch (a private host, a dead link) answers with no results or an error about the URL:
   * the image is then uploaded and searched by id.
   */
  async function lens(client: SerpApiClient, image: SearchImageInput, key: string, signal?: AbortSignal) {
    const k = config.imageTopK;
    // A sample imported before only public URLs were kept may carry a path or a data: URI: that one is uploaded.
    if (image.url && /^https?:\/\//i.test(image.url)) {
      try {
        const found = await gate.call('serpapi', () => client.lens({ url: image.url! }, k, signal));
        if (found.matches.length > 0) return found;
        log.debug(`Google Lens found nothing at ${safeUrl(image.url)}; searching the uploaded image instead`);
      } catch (error) {
        if (!isUrlRefused(error)) throw error;
        log.debug(`Google Lens could not search ${safeUrl(image.url)} (${redact(errorMessage(error))}); uploading`);
      }
    }
    const byUpload = async (): Promise<LensImage> => {
      const started = performance.now();
      const { imageId, uploaded } = await gate.call('serpapi', () =>
        uploads.idFor(image.bytes, (img) => client.uploadImage(img, signal)),
      );
      if (uploaded)
        store.repos.searchCache.logCall({
          key,
          tool: 'image_search',
          engine: 'serpapi',
          status: 'upload',
          latencyMs: performance.now() - started,
          cost: 0,
        });
      return { imageId };
    };
    // The upload and the search are two calls through the gate, one after the other (never one inside the other).
    const searchById = async () => {
      const uploaded = await byUpload();
      return gate.call('serpapi', () => client.lens(uploaded, k, signal));
    };
    try {
      return await searchById();
    } catch (error) {
      if (!isStaleImageId(error)) throw error;
      uploads.forget(image.bytes);
      return searchById();
    }
  }

  async function localImageSearch(
    image: SearchImageInput,
    imageSha256: string,
    keepQueryImage: () => Promise<void>,
  ): Promise<ToolCallResult> {
    const k = config.imageTopK;
    return run(
      'image_search',
      'local',
      { query: null, imageSha256, params: { k, corpus: corpus ?? '*', index: FINGERPRINT_VERSION } },
      0,
      async () => {
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
        return {
          raw: {
            engine: 'local',
            corpus: corpus ?? null,
            hits: hits.map((h) => ({ title: h.title, url: h.url, distance: h.distance })),
          },
          output: formatImageResults(results),
          images: hits.map((h) => h.thumbSha256),
          results,
          cost: 0,
        };
      },
    );
  }

  // Image searches go to SerpApi's Lens under both web engines; text searches to the engine itself.
  const searchProviders: Provider[] =
    engine === 'local' ? [] : engine === 'searxng' ? ['searxng', 'serpapi'] : ['serpapi'];

  return {
    stopped() {
      for (const provider of searchProviders) {
        const stop = gate.stopOf(provider);
        if (stop) return { provider, message: redact(stop.message) };
      }
      return null;
    },

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
      if (engine === 'local') return localImageSearch(image, imageSha256, keepQueryImage);
      const price = config.prices.serpapiSearch;
      const { hl, gl, country, lensType } = config.serpapi;
      // Keys made before Lens had its own country and type stay valid for the defaults.
      const params = {
        k,
        hl,
        gl,
        ...(country !== gl ? { country } : {}),
        ...(lensType !== 'visual_matches' ? { type: lensType } : {}),
      };
      const identity = { query: null, imageSha256, params };
      const key = cacheKey({ tool: 'image_search', engine: 'serpapi', ...identity });
      return run('image_search', 'serpapi', identity, price, async () => {
        await keepQueryImage();
        const client = serpapi();
        let found;
        try {
          found = await lens(client, image, key, signal);
        } catch (error) {
          // SerpApi does not bill failed searches.
          throw new ProduceError(error, 0);
        }
        const degraded = new DegradationLog(found.matches.length);
        const results: SearchResultItem[] = [];
        for (const [i, match] of found.matches.entries()) {
          const source = match.thumbnail ?? match.image ?? null;
          let sha: string | null = null;
          if (source) {
            try {
              sha = await fetchThumbnail(source, signal);
            } catch (error) {
              degraded.add('thumbnails', error);
            }
          }
          results.push({
            rank: i + 1,
            title: match.title,
            url: match.link,
            snippet: match.source ?? null,
            summary: null,
            imageSha256: sha,
            imageUrl: source && !source.startsWith('data:') ? source : null,
          });
        }
        return {
          raw: { response: found.raw, costs: { serpapi: price } },
          output: formatImageResults(results),
          images: results.flatMap((r) => (r.imageSha256 ? [r.imageSha256] : [])),
          results,
          cost: price,
          degraded: degraded.list(),
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
      const reader = config.reader.enabled
        ? new JinaReader(http, {
            baseUrl: config.reader.baseUrl,
            apiKey: options.key('jina'),
            maxChars: config.reader.maxChars,
          })
        : null;
      const chain = { reader, readerPrice: config.prices.readerPage, summariser: sum, gate };
      const produced = (
        raw: Record<string, unknown>,
        searchCost: { provider: string; cost: number },
        pages: Awaited<ReturnType<typeof enrichPages>>,
      ): Produced => ({
        raw: { ...raw, costs: { [searchCost.provider]: searchCost.cost, ...pages.costs } },
        output: formatTextResults(query, pages.results),
        images: [],
        results: pages.results,
        cost: searchCost.cost + pages.cost,
        degraded: pages.degraded,
      });
      if (engine === 'local') {
        return run(
          'text_search',
          'local',
          { query, imageSha256: null, params: { k, corpus: corpus ?? '*', summariser: summariserId } },
          0,
          async () => {
            let hits;
            try {
              hits = local.searchText(query, corpus, k);
            } catch (error) {
              throw new BadInput(errorMessage(error));
            }
            const pages = await enrichPages(
              query,
              hits.map((h): PageHit => ({ title: h.title, url: h.url, snippet: h.snippet, text: h.body })),
              { ...chain, reader: null },
              signal,
            );
            return produced(
              {
                engine: 'local',
                corpus: corpus ?? null,
                hits: hits.map((h) => ({ title: h.title, url: h.url, score: h.score, snippet: h.snippet })),
              },
              { provider: 'local', cost: 0 },
              pages,
            );
          },
        );
      }
      const pagePrice = (config.reader.enabled ? config.prices.readerPage : 0) + config.prices.summariserCall;
      const readerId = config.reader.enabled ? `jina:${config.reader.maxChars}` : 'off';
      if (engine === 'searxng') {
        const { baseUrl, language } = config.searxng;
        return run(
          'text_search',
          'searxng',
          { query, imageSha256: null, params: { k, language, reader: readerId, summariser: summariserId } },
          k * pagePrice,
          async () => {
            let found;
            try {
              found = await gate.call('searxng', () =>
                new SearxngClient(http, { baseUrl, language }).search(query, k, signal),
              );
            } catch (error) {
              throw new ProduceError(error, 0);
            }
            const pages = await enrichPages(
              query,
              found.results.map((r): PageHit => ({ title: r.title, url: r.link, snippet: r.snippet })),
              chain,
              signal,
            );
            return produced({ response: found.raw }, { provider: 'searxng', cost: 0 }, pages);
          },
        );
      }
      const expected = config.prices.serpapiSearch + k * pagePrice;
      const params = { k, hl: config.serpapi.hl, gl: config.serpapi.gl, reader: readerId, summariser: summariserId };
      return run('text_search', 'serpapi', { query, imageSha256: null, params }, expected, async () => {
        const client = serpapi();
        let found;
        try {
          found = await gate.call('serpapi', () => client.google(query, k, signal));
        } catch (error) {
          throw new ProduceError(error, 0);
        }
        const pages = await enrichPages(
          query,
          found.results.map((r): PageHit => ({ title: r.title, url: r.link, snippet: r.snippet ?? null })),
          chain,
          signal,
        );
        return produced({ response: found.raw }, { provider: 'serpapi', cost: config.prices.serpapiSearch }, pages);
      });
    },
  };
}
