// The local search engine: BM25 (FTS5) over a corpus's documents for text search, nearest neighbours by
// image fingerprint for reverse image search. The image index is loaded once per corpus and reloaded when
// the corpus's images change.
import type { Store } from '../../storage';
import type { Corpus } from '../../../shared/contract';
import { EMBEDDING_SIZE, fingerprint, imageDistance, type ImageFingerprint } from './imagehash';
import { stopWords, terms, truncate } from '../text';

/**
 * A free-text query as an FTS5 expression: each content word quoted (so no word is read as FTS syntax), any of
 * them may match and BM25 ranks. Stop words are dropped unless the query has nothing else.
 */
export function ftsQuery(text: string): string | null {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  const content = words.filter((w) => !stopWords.has(w));
  const chosen = (content.length ? content : words).slice(0, 64);
  return chosen.length ? chosen.map((w) => `"${w}"`).join(' OR ') : null;
}

export interface LocalTextHit {
  title: string;
  url: string;
  body: string;
  snippet: string;
  score: number;
}

export interface LocalImageHit {
  title: string;
  url: string;
  thumbSha256: string;
  distance: number;
}

interface ImageIndex {
  version: string;
  entries: { title: string; url: string; thumb: string; print: ImageFingerprint }[];
}

/** About 30 words of the body around the first query word it contains (the start when none does). */
export function snippetOf(body: string, wanted: Set<string>, words = 30): string {
  const tokens = body.split(/\s+/).filter(Boolean);
  const first = tokens.findIndex((t) => terms(t).some((w) => wanted.has(w)));
  const start = Math.max(0, (first < 0 ? 0 : first) - 8);
  const piece = tokens.slice(start, start + words).join(' ');
  return truncate(`${start > 0 ? '…' : ''}${piece}${start + words < tokens.length ? '…' : ''}`, 400);
}

export class LocalSearchEngine {
  private readonly imageIndexes = new Map<string, ImageIndex>();

  constructor(private readonly store: Store) {}

  /** The named corpus, or every corpus when none is named. A missing or unfinished corpus is a clear error. */
  resolveCorpus(name: string | null | undefined): Corpus | null {
    if (!name) {
      if (this.store.repos.corpus.list().length === 0)
        throw new Error('There is no local corpus yet: add one with `searchlab corpus add DIR --name NAME`.');
      return null;
    }
    const corpus = this.store.repos.corpus.byName(name);
    if (!corpus) {
      const known = this.store.repos.corpus.list().map((c) => c.name);
      throw new Error(
        `No corpus named "${name}"${known.length ? ` (known: ${known.join(', ')})` : '; add one with `searchlab corpus add DIR --name NAME`'}`,
      );
    }
    return corpus;
  }

  searchText(query: string, corpusName: string | null | undefined, limit: number): LocalTextHit[] {
    const corpus = this.resolveCorpus(corpusName);
    const match = ftsQuery(query);
    if (!match) return [];
    const wanted = new Set(terms(query));
    return this.store.repos.corpus.searchText(corpus?.id ?? null, match, limit).map((hit) => ({
      title: hit.title,
      url: hit.url,
      body: hit.body,
      snippet: snippetOf(hit.body, wanted),
      score: -hit.score,
    }));
  }

  async searchImage(bytes: Uint8Array, corpusName: string | null | undefined, limit: number): Promise<LocalImageHit[]> {
    const corpus = this.resolveCorpus(corpusName);
    const index = this.imageIndex(corpus?.id ?? null);
    const query = await fingerprint(bytes);
    return index.entries
      .map((e) => ({ title: e.title, url: e.url, thumbSha256: e.thumb, distance: imageDistance(query, e.print) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, limit);
  }

  private imageIndex(corpusId: number | null): ImageIndex {
    const key = String(corpusId ?? '*');
    const version = this.store.repos.corpus.imageVersion(corpusId);
    const cached = this.imageIndexes.get(key);
    if (cached && cached.version === version) return cached;
    const rows = this.store.repos.corpus.images(corpusId);
    if (rows.some((row) => row.embedding.byteLength !== EMBEDDING_SIZE * 4)) {
      throw new Error('This corpus was indexed with an older image fingerprint; delete it and add it again');
    }
    const entries = rows.map((row) => ({
      title: row.title,
      url: row.url,
      thumb: row.thumb_sha256,
      print: {
        dhash: row.dhash,
        embedding: new Float32Array(
          row.embedding.buffer.slice(row.embedding.byteOffset, row.embedding.byteOffset + row.embedding.byteLength),
        ),
      },
    }));
    const index = { version, entries };
    this.imageIndexes.set(key, index);
    return index;
  }
}
