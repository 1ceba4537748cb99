// Shared set-up for the search tests: a store in a fresh home and a search config pointed at the fakes.
import { openStore, type Store } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { SearchConfig, type SearchConfigIn } from '../../src/shared/contract';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { removeTempHomes, tempHome } from '../helpers/home';
import { startFakeServices, type FakeServices, type Route } from './fakes';
import { createSearchToolbox, type ToolboxOptions } from '../../src/main/search/tools/toolbox';
import { HttpClient } from '../../src/main/search/web/http';
import { registerSecret } from '../../src/main/platform/log';

export function freshStore(): { home: string; store: Store } {
  const home = tempHome('searchlab-search-');
  return { home, store: openStore(homePaths(home).database) };
}

export function webConfig(baseUrl: string, overrides: Partial<SearchConfigIn> = {}): SearchConfig {
  return SearchConfig.parse({
    engine: 'serpapi',
    mode: 'cache-first',
    serpapi: { baseUrl, hl: 'en', gl: 'us' },
    reader: { enabled: true, baseUrl: `${baseUrl}/reader`, maxChars: 5000 },
    summariser: { kind: 'openai', baseUrl: `${baseUrl}/v1`, model: 'fake-model', maxTokens: 64 },
    reliability: { timeoutMs: 2000, maxRetries: 2, concurrency: 8, ratePerSecond: 1000 },
    ...overrides,
  });
}

export const FAKE_KEY = 'sk-test-SECRET-key-0123456789';

/** A toolbox (on a fresh store unless given one) pointed at the fakes, with backoff steps of milliseconds. */
export function webToolbox(
  baseUrl: string,
  overrides: Partial<SearchConfigIn> = {},
  extra: Partial<ToolboxOptions> = {},
) {
  const { home, store } = extra.store ? { home: null, store: extra.store } : freshStore();
  registerSecret(FAKE_KEY);
  const config = webConfig(baseUrl, overrides);
  const http = new HttpClient({ ...config.reliability, baseDelayMs: 5, maxDelayMs: 50 });
  const tools = createSearchToolbox({ config, key: () => FAKE_KEY, http, ...extra, store });
  return { home, store, config, tools };
}

/** Loopback fakes for a test file: started once, their faults, requests and uploads cleared after each test. */
export function useFakeServices(): { readonly fakes: FakeServices } {
  const holder = {} as { fakes: FakeServices };
  beforeAll(async () => {
    holder.fakes = await startFakeServices();
  });
  afterAll(() => holder.fakes.close());
  afterEach(() => {
    for (const route of Object.keys(holder.fakes.faults) as Route[]) holder.fakes.faults[route].length = 0;
    holder.fakes.requests.length = 0;
    holder.fakes.uploads.clear();
    removeTempHomes();
  });
  return holder;
}
