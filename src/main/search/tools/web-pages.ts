// The chain every text search's hits go through, whatever engine found them: read each page (Jina Reader, when
// on and the engine gave no text), then summarise it for the query. A page whose reader or summariser fails keeps
// its snippet and is recorded as degraded with the provider's message. The first page goes alone, the rest in
// parallel after it: a refused key or a spent quota then costs one request, not one per page.
import type { Degradation, SearchResultItem } from '../../../shared/contract';
import type { JinaReader } from '../web/jina';
import type { Summariser } from '../summarise';
import { DegradationLog } from './degradation';
import type { ProviderGate } from './provider-gate';

export interface PageHit {
  title: string;
  url: string;
  snippet: string | null;
  /** The page's text when the engine has it (local corpus); otherwise the reader fetches it. */
  text?: string;
}

export interface EnrichedPages {
  results: SearchResultItem[];
  cost: number;
  /** Money per provider, for the cache's statistics. */
  costs: { reader: number; summariser: number };
  degraded: Degradation[];
}

export interface PageChain {
  reader: JinaReader | null;
  readerPrice: number;
  /** The summariser, or why there is none (a local model not loaded). */
  summariser: Summariser | Error;
  gate: ProviderGate;
}

export async function enrichPages(
  query: string,
  hits: PageHit[],
  chain: PageChain,
  signal?: AbortSignal,
): Promise<EnrichedPages> {
  const degraded = new DegradationLog(hits.length);
  const costs = { reader: 0, summariser: 0 };

  async function one(hit: PageHit, i: number): Promise<SearchResultItem> {
    let text = hit.text ?? hit.snippet ?? '';
    if (hit.text === undefined && chain.reader) {
      const reader = chain.reader;
      try {
        text = (await chain.gate.call('reader', () => reader.read(hit.url, signal))).text || text;
        costs.reader += chain.readerPrice;
      } catch (error) {
        degraded.add('reader', error);
      }
    }
    let summary: string | null = null;
    const summariser = chain.summariser;
    try {
      if (summariser instanceof Error) throw summariser;
      const s = await chain.gate.call('summariser', () =>
        summariser.summarise(query, { title: hit.title, url: hit.url, text }, signal),
      );
      summary = s.summary;
      costs.summariser += s.cost;
    } catch (error) {
      degraded.add('summariser', error);
    }
    return {
      rank: i + 1,
      title: hit.title,
      url: hit.url,
      snippet: hit.snippet,
      summary,
      imageSha256: null,
      imageUrl: null,
    };
  }

  const results: SearchResultItem[] = [];
  if (hits.length > 0) results.push(await one(hits[0], 0));
  results.push(...(await Promise.all(hits.slice(1).map((hit, i) => one(hit, i + 1)))));
  return { results, cost: costs.reader + costs.summariser, costs, degraded: degraded.list() };
}
