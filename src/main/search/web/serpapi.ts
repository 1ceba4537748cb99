// SerpApi clients: the Image API (POST /image, multipart `image` + `api_key` → {image_id}, valid ten minutes),
// Google Lens (reverse image search by image URL or uploaded image_id; `visual_matches` or `exact_matches`) and
// Google (web search; `organic_results`). Responses are validated field by field; an item without a title or
// link is skipped, a body without the expected list is an error unless SerpApi says there were no results.
import { z } from 'zod';
import type { LensType } from '../../../shared/contract';
import { HttpClient, SearchServiceError } from './http';

export interface SerpApiOptions {
  baseUrl: string;
  apiKey: string;
  hl: string;
  gl: string;
  /** Google Lens's own location parameter. */
  country: string;
  lensType: LensType;
}

/** Where Google Lens finds the image: a public URL, or an image uploaded through the Image API. */
export type LensImage = { url: string } | { imageId: string };

const UploadResponse = z.object({ image_id: z.string().min(1) });

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

  private async search(
    service: string,
    params: Record<string, string>,
    listField: string,
    signal?: AbortSignal,
  ): Promise<{ raw: unknown; list: unknown; empty: boolean }> {
    const url = new URL('/search.json', this.options.baseUrl);
    for (const [k, v] of Object.entries({ hl: this.options.hl, ...params })) if (v) url.searchParams.set(k, v);
    url.searchParams.set('api_key', this.options.apiKey);
    const response = await this.http.request(
      service,
      url.toString(),
      { headers: { accept: 'application/json' } },
      signal,
    );
    const raw = response.json();
    const envelope = Envelope.safeParse(raw);
    if (!envelope.success || typeof raw !== 'object' || raw === null)
      throw new SearchServiceError(service, 'malformed', 'the response is not a SerpApi JSON object');
    const list = (raw as Record<string, unknown>)[listField];
    if (list === undefined) {
      if (isNoResults(envelope.data.error)) return { raw, list: [], empty: true };
      if (envelope.data.error) throw new SearchServiceError(service, 'http', envelope.data.error);
      // A successful search without the field means no results of that kind.
      if (envelope.data.search_metadata?.status === 'Success') return { raw, list: [], empty: true };
      throw new SearchServiceError(
        service,
        'malformed',
        `the response has no "${listField}" and no search_metadata.status`,
      );
    }
    if (!Array.isArray(list)) throw new SearchServiceError(service, 'malformed', `"${listField}" is not a list`);
    return { raw, list, empty: list.length === 0 };
  }

  /** Uploads an image (JPG, PNG or WebP, at most 500 KB) as the official client's upload_image() does. */
  async uploadImage(image: { bytes: Uint8Array; mime: string }, signal?: AbortSignal): Promise<string> {
    const form = new FormData();
    const ext = image.mime.split('/')[1]?.replace('jpeg', 'jpg') ?? 'jpg';
    form.set('image', new Blob([new Uint8Array(image.bytes)], { type: image.mime }), `image.${ext}`);
    form.set('api_key', this.options.apiKey);
    const response = await this.http.request(
      'SerpApi Image API',
      new URL('/image', this.options.baseUrl).toString(),
      { method: 'POST', body: form, headers: { accept: 'application/json' } },
      signal,
    );
    const raw = response.json() as { error?: unknown };
    if (typeof raw?.error === 'string')
      throw new SearchServiceError('SerpApi Image API', 'http', `the upload was refused: ${raw.error}`);
    const parsed = UploadResponse.safeParse(raw);
    if (!parsed.success) throw new SearchServiceError('SerpApi Image API', 'malformed', 'the response has no image_id');
    return parsed.data.image_id;
  }

  /** Google Lens matches for an image, by public URL or uploaded image_id. */
  async lens(image: LensImage, limit: number, signal?: AbortSignal): Promise<{ raw: unknown; matches: VisualMatch[] }> {
    const { lensType, country } = this.options;
    const where: Record<string, string> = 'url' in image ? { url: image.url } : { image_id: image.imageId };
    const listField = lensType === 'exact_matches' ? 'exact_matches' : 'visual_matches';
    const { raw, list } = await this.search(
      'SerpApi Google Lens',
      { engine: 'google_lens', ...where, type: lensType, country },
      listField,
      signal,
    );
    return { raw, matches: validItems(VisualMatch, list).slice(0, limit) };
  }

  /** Google organic results for a query. */
  async google(
    query: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ raw: unknown; results: OrganicResult[] }> {
    const { raw, list } = await this.search(
      'SerpApi Google',
      { engine: 'google', q: query, gl: this.options.gl, num: String(Math.max(limit, 10)) },
      'organic_results',
      signal,
    );
    return { raw, results: validItems(OrganicResult, list).slice(0, limit) };
  }
}
