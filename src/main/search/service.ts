// The search facade the engine's handlers and the CLI use: settings, keys, the toolbox, cache statistics,
// export/import and thumbnails. One per engine, so the HTTP limits and the image index are shared.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { CacheStats, SearchConfig, SearchRunParams, ToolCallResult } from '../../shared/contract';
import { MAX_IMAGE_BYTES } from '../../shared/contract';
import { ApiError } from '../../shared/protocol';
import type { Store } from '../storage';
import { homePaths } from '../platform/home';
import { logger } from '../platform/log';
import { readFileSyncWithin } from '../platform/file-access';
import { readSearchConfig, updateSearchConfig } from './config';
import { SecretStore, type SecretCipher } from './secrets/store';
import { cipherForProcess } from './secrets/sealed-cipher';
import { LocalSearchEngine } from './local/engine';
import { describeImage } from './local/imagehash';
import { HttpClient } from './web/http';
import { LensUploads } from './web/lens-uploads';
import { SearchBudget, type BudgetLimits } from './budget';
import { createSearchToolbox, type SearchToolbox, type ToolboxOptions } from './tools/toolbox';
import { exportCache, importCache } from './cache/transfer';

const log = logger('search');

export interface SearchServiceOptions {
  store: Store;
  home: string;
  env?: NodeJS.ProcessEnv;
  cipher?: SecretCipher;
}

export class SearchService {
  readonly secrets: SecretStore;
  readonly local: LocalSearchEngine;
  /** Image ids from SerpApi's Image API, reused across this engine's searches while they are valid. */
  private readonly uploads = new LensUploads();
  private http: { policy: string; client: HttpClient } | null = null;
  /** The budget of searches run by hand (UI panel, CLI), per engine session. Runs bring their own. */
  private handBudget: { limits: string; budget: SearchBudget } | null = null;

  constructor(private readonly options: SearchServiceOptions) {
    this.secrets = new SecretStore(
      homePaths(options.home).secrets,
      options.env ?? process.env,
      options.cipher ?? cipherForProcess(),
    );
    this.local = new LocalSearchEngine(options.store);
  }

  config(): SearchConfig {
    return readSearchConfig(this.options.store);
  }

  updateConfig(patch: Record<string, unknown>): SearchConfig {
    return updateSearchConfig(this.options.store, patch);
  }

  private httpClient(config: SearchConfig): HttpClient {
    const policy = JSON.stringify(config.reliability);
    if (!this.http || this.http.policy !== policy) {
      const client = new HttpClient(config.reliability, {
        onRetry: ({ service, attempt, delayMs, reason }) =>
          log.warn(`${service}: retry ${attempt} in ${delayMs} ms after: ${reason}`),
      });
      this.http = { policy, client };
    }
    return this.http.client;
  }

  /** A toolbox for a run or a hand search; the run passes its own budget and mode. */
  toolbox(
    options: Partial<Pick<ToolboxOptions, 'engine' | 'corpus' | 'mode' | 'budget' | 'summariser'>> = {},
  ): SearchToolbox {
    const config = this.config();
    return createSearchToolbox({
      store: this.options.store,
      config,
      key: (name) => this.secrets.get(name),
      http: this.httpClient(config),
      local: this.local,
      uploads: this.uploads,
      ...options,
    });
  }

  /** Tools for one training or evaluation run: its own budget (the settings' limits unless given) and cache mode. */
  forRun(options: Partial<Pick<ToolboxOptions, 'engine' | 'corpus' | 'mode'>> & { limits?: BudgetLimits } = {}): {
    tools: SearchToolbox;
    budget: SearchBudget;
  } {
    const budget = new SearchBudget(options.limits ?? this.config().budget);
    return {
      tools: this.toolbox({ engine: options.engine, corpus: options.corpus, mode: options.mode, budget }),
      budget,
    };
  }

  private sessionBudget(config: SearchConfig): SearchBudget {
    const limits = JSON.stringify(config.budget);
    if (!this.handBudget || this.handBudget.limits !== limits)
      this.handBudget = { limits, budget: new SearchBudget(config.budget) };
    return this.handBudget.budget;
  }

  async run(params: z.output<typeof SearchRunParams>): Promise<ToolCallResult> {
    const config = this.config();
    const toolbox = this.toolbox({
      engine: params.engine,
      corpus: params.corpus ?? undefined,
      mode: params.mode,
      budget: this.sessionBudget(config),
    });
    if (params.tool === 'text_search') {
      if (!params.query?.trim()) throw new ApiError('invalid_params', 'A text search needs a query');
      return toolbox.textSearch(params.query.trim());
    }
    let bytes: Buffer;
    if (params.imagePath) {
      try {
        bytes = readFileSyncWithin(params.imagePath, process.cwd(), { maxBytes: MAX_IMAGE_BYTES, confineTo: null });
      } catch (error) {
        throw new ApiError('invalid_params', `Cannot read image ${params.imagePath}: ${(error as Error).message}`);
      }
    } else if (params.imageBase64) bytes = Buffer.from(params.imageBase64, 'base64');
    else throw new ApiError('invalid_params', 'An image search needs an image: imagePath or imageBase64');
    try {
      await describeImage(bytes);
    } catch {
      throw new ApiError('invalid_params', `${params.imagePath ?? 'The uploaded file'} is not a readable image`);
    }
    return toolbox.imageSearch({ bytes, url: params.imageUrl ?? null });
  }

  stats(): CacheStats {
    const config = this.config();
    const rows = this.options.store.repos.searchCache.stats();
    // SearXNG text searches cost nothing; image searches under it go to SerpApi and are counted there.
    const price = (engine: string) => (engine === 'serpapi' ? config.prices.serpapiSearch : 0);
    const out: CacheStats = {
      entries: 0,
      hits: 0,
      misses: 0,
      errors: 0,
      spent: 0,
      saved: 0,
      byTool: {},
      ...this.options.store.repos.searchCache.health(),
    };
    for (const r of rows) {
      out.entries += r.entries;
      out.hits += r.hits;
      out.misses += r.misses;
      out.errors += r.errors;
      out.spent += r.spent;
      out.saved += r.hits * price(r.engine);
      const t = (out.byTool[r.tool] ??= { entries: 0, hits: 0, misses: 0 });
      t.entries += r.entries;
      t.hits += r.hits;
      t.misses += r.misses;
    }
    return out;
  }

  image(sha: string): { mime: string; bytes: Buffer } {
    const image = this.options.store.repos.images.get(sha);
    if (!image) throw new ApiError('not_found', `No stored image ${sha}`);
    return image;
  }

  /** Writes a stored thumbnail to a file under the data folder (once) and returns its path, for the CLI. */
  imageFile(sha: string): string {
    const image = this.image(sha);
    const ext = image.mime.split('/')[1]?.replace('jpeg', 'jpg') ?? 'bin';
    const file = path.join(this.options.home, 'search-images', `${sha}.${ext}`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, image.bytes);
    }
    return file;
  }

  exportCache(file: string, overwrite = false) {
    return exportCache(this.options.store, path.resolve(file), overwrite);
  }

  importCache(file: string) {
    return importCache(this.options.store, path.resolve(file));
  }
}
