// SearXNG, a self-hosted metasearch engine: GET {base}/search?q=…&format=json returns
// { query, number_of_results, results: [{ url, title, content, engine, score, … }], unresponsive_engines, … }.
// The JSON format must be enabled in the instance's settings.yml (search.formats); otherwise it answers 403.
import { z } from 'zod';
import { HttpClient, SearchServiceError, safeUrl } from './http';

const SearxResult = z.object({ url: z.string(), title: z.string(), content: z.string().nullish() });
const SearxResponse = z.object({
  results: z.array(z.unknown()),
  unresponsive_engines: z.array(z.unknown()).optional(),
});

export interface WebHit {
  title: string;
  link: string;
  snippet: string | null;
}

export class SearxngClient {
  constructor(
    private readonly http: HttpClient,
    private readonly options: { baseUrl: string; language: string },
  ) {}

  async search(query: string, limit: number, signal?: AbortSignal): Promise<{ raw: unknown; results: WebHit[] }> {
    const url = new URL('search', this.options.baseUrl.replace(/\/*$/, '/'));
    url.searchParams.set('q', query);
    url.searchParams.set('format', 'json');
    if (this.options.language) url.searchParams.set('language', this.options.language);
    let response;
    try {
      response = await this.http.request(
        'SearXNG',
        url.toString(),
        { headers: { accept: 'application/json' } },
        signal,
      );
    } catch (error) {
      // SearXNG has no keys: a 403 means the instance does not serve JSON, which its owner can switch on.
      if (error instanceof SearchServiceError && error.status === 403) {
        throw new SearchServiceError(
          'SearXNG',
          'http',
          `HTTP 403 from ${safeUrl(url.toString())}: the instance does not serve JSON; enable it in its settings.yml (search: formats: [html, json])`,
          403,
        );
      }
      throw error;
    }
    const raw = response.json();
    const parsed = SearxResponse.safeParse(raw);
    if (!parsed.success) throw new SearchServiceError('SearXNG', 'malformed', 'the response has no "results" list');
    const results: WebHit[] = [];
    const seen = new Set<string>();
    for (const item of parsed.data.results) {
      const r = SearxResult.safeParse(item);
      // Several engines can return the same page; SearXNG usually merges them, but not always.
      if (!r.success || seen.has(r.data.url)) continue;
      seen.add(r.data.url);
      results.push({ title: r.data.title, link: r.data.url, snippet: r.data.content || null });
    }
    return { raw, results: results.slice(0, limit) };
  }
}
