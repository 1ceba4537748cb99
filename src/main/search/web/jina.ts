// Jina Reader: GET {base}/{page URL} with `Accept: application/json` returns
// { code, status, data: { title, description, url, content } } with the page cleaned to Markdown.
import { z } from 'zod';
import { HttpClient, SearchServiceError } from './http';

const ReaderResponse = z.object({
  code: z.number().optional(),
  data: z.object({ title: z.string().optional(), url: z.string().optional(), content: z.string() }),
});

export class JinaReader {
  constructor(
    private readonly http: HttpClient,
    private readonly options: { baseUrl: string; apiKey?: string; maxChars: number },
  ) {}

  async read(pageUrl: string, signal?: AbortSignal): Promise<{ title: string | null; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const base = this.options.baseUrl.replace(/\/+$/, '');
    const response = await this.http.request('Jina Reader', `${base}/${pageUrl}`, { headers }, signal);
    const parsed = ReaderResponse.safeParse(response.json());
    if (!parsed.success) throw new SearchServiceError('Jina Reader', 'malformed', 'the response has no data.content');
    return { title: parsed.data.data.title ?? null, text: parsed.data.data.content.slice(0, this.options.maxChars) };
  }
}
