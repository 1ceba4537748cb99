// A summariser on any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, llama.cpp server, …).
import { z } from 'zod';
import { HttpClient, SearchServiceError } from './http';
import type { PageText, Summariser, Summary } from '../summarise';

const ChatCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

export const SUMMARY_SYSTEM_PROMPT =
  'You summarise a web page for a question-answering assistant. Keep only facts relevant to the query, in at most three sentences. ' +
  'If the page has nothing relevant, say so in one sentence.';

export class OpenAiSummariser implements Summariser {
  readonly id: string;
  constructor(
    private readonly http: HttpClient,
    private readonly options: {
      baseUrl: string;
      apiKey?: string;
      model: string;
      maxTokens: number;
      pricePerCall: number;
    },
  ) {
    this.id = `openai:${options.baseUrl}:${options.model}:${options.maxTokens}`;
  }

  async summarise(query: string, page: PageText, signal?: AbortSignal): Promise<Summary> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const body = {
      model: this.options.model,
      max_tokens: this.options.maxTokens,
      temperature: 0,
      messages: [
        { role: 'system', content: SUMMARY_SYSTEM_PROMPT },
        {
          role: 'user',
          content: `Query: ${query}\n\nPage title: ${page.title}\nPage URL: ${page.url}\n\nPage text:\n${page.text}`,
        },
      ],
    };
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const response = await this.http.request(
      'Summariser',
      url,
      { method: 'POST', headers, body: JSON.stringify(body) },
      signal,
    );
    const parsed = ChatCompletion.safeParse(response.json());
    if (!parsed.success)
      throw new SearchServiceError('Summariser', 'malformed', 'the response has no choices[0].message.content');
    return { summary: (parsed.data.choices[0].message.content ?? '').trim(), cost: this.options.pricePerCall };
  }
}
