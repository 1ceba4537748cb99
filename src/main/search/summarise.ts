// Summarisers turn a page's text into a query-focused summary for the model. Three kinds plug in here:
// the extractive default (deterministic: the page's sentences that share the most words with the query),
// any OpenAI-compatible chat endpoint (web/openai.ts), and the local model (registered by the model engine).
import { sentences, terms, truncate } from './text';

export interface PageText {
  title: string;
  url: string;
  text: string;
}

export interface Summary {
  summary: string;
  cost: number;
}

export interface Summariser {
  /** Part of the cache key: a different summariser gives a different answer. */
  readonly id: string;
  summarise(query: string, page: PageText, signal?: AbortSignal): Promise<Summary>;
}

/** Deterministic, free and offline: up to `maxSentences` query-relevant sentences, in page order. */
export class ExtractiveSummariser implements Summariser {
  readonly id: string;
  constructor(
    private readonly maxSentences = 3,
    private readonly maxChars = 600,
  ) {
    this.id = `extractive:${maxSentences}:${maxChars}`;
  }

  async summarise(query: string, page: PageText): Promise<Summary> {
    return { summary: extractiveSummary(query, page.text, this.maxSentences, this.maxChars, page.title), cost: 0 };
  }
}

export function extractiveSummary(query: string, text: string, maxSentences = 3, maxChars = 600, title = ''): string {
  const wanted = new Set(terms(query));
  // A line that only repeats the page's title (a heading) says nothing the title does not.
  const all = sentences(text).filter((s) => s.toLowerCase() !== title.trim().toLowerCase());
  if (all.length === 0) return '';
  const scored = all.map((sentence, index) => {
    const words = new Set(terms(sentence));
    let score = 0;
    for (const w of wanted) if (words.has(w)) score++;
    return { sentence, index, score };
  });
  const relevant = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.index - b.index);
  // No sentence shares a word with the query: the page's opening is the best guess at what it is about.
  const chosen = (relevant.length ? relevant : scored).slice(0, maxSentences).sort((a, b) => a.index - b.index);
  return truncate(chosen.map((s) => s.sentence).join(' '), maxChars);
}

/**
 * The local model summariser is provided by the model engine when it is ready: it registers a factory here.
 * Until then choosing it is a clear error rather than a silent fallback.
 */
export type LocalSummariserFactory = (options: { maxTokens: number }) => Summariser;
let localFactory: LocalSummariserFactory | null = null;

export function registerLocalModelSummariser(factory: LocalSummariserFactory | null): void {
  localFactory = factory;
}

export function localModelSummariser(options: { maxTokens: number }): Summariser {
  if (!localFactory)
    throw new Error(
      'The local-model summariser is not available in this build yet; choose "extractive" or "openai" in Settings → Search.',
    );
  return localFactory(options);
}
