// SerpApi clients: Google Lens (reverse image search by image URL; `visual_matches`) and Google (web search;
// `organic_results`). Responses are validated field by field; an item without a title or link is skipped,
// a body without the expected list is an error unless SerpApi says there were no results.
import { z } from 'zod';
import { HttpClient, SearchServiceError } from './http';

export interface SerpApiOptions {
  baseUrl: string;
  apiKey: string;
  hl: string;
  gl: string;
}

const VisualMatch = z.object({
  position: z.number().optional(),
  title: z.string(),
  link: z.string(),
  source: z.string().optional(),
  thumbnail: z.string().optional(),
  image: z.string().optional(),
});
export type VisualMatch = z.infer<typeof VisualMatch>;

const OrganicResult = z.object({
  position: z.number().optional(),
  title: z.string(),
  link: z.string(),
  snippet: z.string().optional(),
  displayed_link: z.string().optional(),
});
export type OrganicResult = z.infer<typeof OrganicResult>;

const Envelope = z.object({
  search_metadata: z.object({ status: z.string().optional() }).passthrough().optional(),
  error: z.string().optional(),
});

/** SerpApi reports "no results" as a 200 with an error string that says so. */
function isNoResults(error: string | undefined): boolean {
  return !!error && /hasn't returned any results|no results/i.test(error);
}

function validItems<T>(schema: z.ZodType<T>, list: unknown): T[] {
  if (!Array.isArray(list)) return [];
  const out: T[] = [];
  for (const item of list) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export class SerpApiClient {
  constructor(
    private readonly http: HttpClient,
    private readonly options: SerpApiOptions,
  ) {}

  private async search(service: string, params: Record<string, string>, listField: string, signal?: AbortSignal): Promise<{ raw: unknown; list: unknown; empty: boolean }> {
    const url = new URL('/search.json', this.options.baseUrl);
    for (const [k, v] of Object.entries({ ...params, hl: this.options.hl, gl: this.options.gl })) if (v) url.searchParams.set(k, v);
    url.searchParams.set('api_key', this.options.apiKey);
    const response = await this.http.request(service, url.toString(), { headers: { accept: 'application/json' } }, signal);
    const raw = response.json();
    const envelope = Envelope.safeParse(raw);
    if (!envelope.success || typeof raw !== 'object' || raw === null) throw new SearchServiceError(service, 'malformed', 'the response is not a SerpApi JSON object');
    const list = (raw as Record<string, unknown>)[listField];
    if (list === undefined) {
      if (isNoResults(envelope.data.error)) return { raw, list: [], empty: true };
      if (envelope.data.error) throw new SearchServiceError(service, 'http', envelope.data.error.slice(0, 300));
      // A successful search without the field means no results of that kind.
      if (envelope.data.search_metadata?.status === 'Success') return { raw, list: [], empty: true };
      throw new SearchServiceError(service, 'malformed', `the response has no "${listField}" and no search_metadata.status`);
    }
    if (!Array.isArray(list)) throw new SearchServiceError(service, 'malformed', `"${listField}" is not a list`);
    return { raw, list, empty: list.length === 0 };
  }

  /** Google Lens visual matches for a publicly reachable image URL. */
  async lens(imageUrl: string, limit: number, signal?: AbortSignal): Promise<{ raw: unknown; matches: VisualMatch[] }> {
    const { raw, list } = await this.search('SerpApi Google Lens', { engine: 'google_lens', url: imageUrl, type: 'visual_matches' }, 'visual_matches', signal);
    return { raw, matches: validItems(VisualMatch, list).slice(0, limit) };
  }

  /** Google organic results for a query. */
  async google(query: string, limit: number, signal?: AbortSignal): Promise<{ raw: unknown; results: OrganicResult[] }> {
    const { raw, list } = await this.search('SerpApi Google', { engine: 'google', q: query, num: String(Math.max(limit, 10)) }, 'organic_results', signal);
    return { raw, results: validItems(OrganicResult, list).slice(0, limit) };
  }
}
