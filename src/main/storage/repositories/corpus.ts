// All SQL about local search corpora: documents (BM25 through FTS5) and images (perceptual hashes).
import type { Db } from '../database';
import type { Corpus } from '../../../shared/contract';

interface CorpusRow {
  id: number;
  name: string;
  description: string;
  source: string | null;
  status: 'ingesting' | 'ready';
  created_at: number;
  documents: number;
  images: number;
}

export interface DocHit {
  id: number;
  title: string;
  url: string;
  body: string;
  score: number;
}

export interface ImageRow {
  id: number;
  title: string;
  url: string;
  thumb_sha256: string;
  image_sha256: string;
  dhash: Buffer;
  embedding: Buffer;
}

const corpusSelect = `SELECT c.*,
  (SELECT count(*) FROM corpus_docs d WHERE d.corpus_id = c.id) AS documents,
  (SELECT count(*) FROM corpus_images i WHERE i.corpus_id = c.id) AS images
  FROM corpora c`;

function toCorpus(row: CorpusRow): Corpus {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    source: row.source,
    status: row.status,
    documents: row.documents,
    images: row.images,
    createdAt: row.created_at,
  };
}

export function createCorpusRepository(db: Db) {
  const insertDoc = db.prepare(
    'INSERT OR IGNORE INTO corpus_docs (corpus_id, source, title, url, body) VALUES (?, ?, ?, ?, ?)',
  );
  const insertImage = db.prepare(
    `INSERT OR IGNORE INTO corpus_images (corpus_id, doc_id, source, image_sha256, thumb_sha256, title, url, dhash, embedding)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const countCorpora = db.prepare('SELECT count(*) AS n FROM corpora');
  const rankText = db.prepare(
    'SELECT rowid AS id, bm25(corpus_fts, 4.0, 1.0, 0.0) AS score FROM corpus_fts WHERE corpus_fts MATCH ? ORDER BY score LIMIT ?',
  );
  const docById = db.prepare<[number], { title: string; url: string; body: string; corpus_id: number }>(
    'SELECT title, url, body, corpus_id FROM corpus_docs WHERE id = ?',
  );
  return {
    list(): Corpus[] {
      return db.prepare<[], CorpusRow>(`${corpusSelect} ORDER BY c.name`).all().map(toCorpus);
    },
    byName(name: string): Corpus | undefined {
      const row = db.prepare<[string], CorpusRow>(`${corpusSelect} WHERE c.name = ?`).get(name);
      return row ? toCorpus(row) : undefined;
    },
    /** Creates the corpus, or returns the existing one of that name (a re-run resumes it). */
    ensure(name: string, description: string, source: string | null): Corpus {
      db.prepare(
        `INSERT OR IGNORE INTO corpora (name, description, source, status, created_at) VALUES (?, ?, ?, 'ingesting', ?)`,
      ).run(name, description, source, Date.now());
      db.prepare(`UPDATE corpora SET status = 'ingesting' WHERE name = ?`).run(name);
      return this.byName(name)!;
    },
    markReady(id: number): void {
      db.prepare(`UPDATE corpora SET status = 'ready' WHERE id = ?`).run(id);
    },
    delete(name: string): boolean {
      const corpus = this.byName(name);
      if (!corpus) return false;
      db.transaction(() => {
        db.prepare('DELETE FROM corpus_images WHERE corpus_id = ?').run(corpus.id);
        db.prepare('DELETE FROM corpus_docs WHERE corpus_id = ?').run(corpus.id);
        db.prepare('DELETE FROM corpora WHERE id = ?').run(corpus.id);
      })();
      return true;
    },
    /** Returns the new document's id, or the existing one's when this source is already in. */
    addDoc(corpusId: number, doc: { source: string; title: string; url: string; body: string }): number {
      const info = insertDoc.run(corpusId, doc.source, doc.title, doc.url, doc.body);
      if (info.changes > 0) return Number(info.lastInsertRowid);
      return (
        db.prepare('SELECT id FROM corpus_docs WHERE corpus_id = ? AND source = ?').get(corpusId, doc.source) as {
          id: number;
        }
      ).id;
    },
    hasDoc(corpusId: number, source: string): boolean {
      return (
        db.prepare('SELECT 1 FROM corpus_docs WHERE corpus_id = ? AND source = ?').get(corpusId, source) !== undefined
      );
    },
    hasImage(corpusId: number, source: string): boolean {
      return (
        db.prepare('SELECT 1 FROM corpus_images WHERE corpus_id = ? AND source = ?').get(corpusId, source) !== undefined
      );
    },
    addImage(
      corpusId: number,
      image: {
        docId: number | null;
        source: string;
        imageSha256: string;
        thumbSha256: string;
        title: string;
        url: string;
        dhash: Buffer;
        embedding: Buffer;
      },
    ): void {
      insertImage.run(
        corpusId,
        image.docId,
        image.source,
        image.imageSha256,
        image.thumbSha256,
        image.title,
        image.url,
        image.dhash,
        image.embedding,
      );
    },
    /** BM25 over title (weighted 4×) and body; lower score is better, as FTS5 reports it. */
    /**
     * BM25 over title (weighted 4×) and body; `match` is an FTS5 expression (see ftsQuery in search/local/engine.ts).
     * Ranking runs on the index alone; documents are read for the top rows only. With one corpus there is nothing
     * to filter (the corpus token's doclist would be read in full for nothing).
     */
    searchText(corpusId: number | null, match: string, limit: number): DocHit[] {
      // Words match titles and bodies only, never the corpus token.
      const words = `{title body} : (${match})`;
      const single = (countCorpora.get() as { n: number }).n <= 1;
      const expression = corpusId === null || single ? words : `corpus : "c${corpusId}" AND ${words}`;
      const top = rankText.all(expression, limit) as { id: number; score: number }[];
      return top
        .map(({ id, score }) => ({ id, score, ...docById.get(id)! }))
        .filter((d) => corpusId === null || d.corpus_id === corpusId);
    },
    /** Every image of a corpus (or of all), for a nearest-neighbour scan in memory. */
    images(corpusId: number | null): ImageRow[] {
      const sql =
        'SELECT id, title, url, thumb_sha256, image_sha256, dhash, embedding FROM corpus_images' +
        (corpusId === null ? '' : ' WHERE corpus_id = ?');
      return (corpusId === null ? db.prepare(sql).all() : db.prepare(sql).all(corpusId)) as ImageRow[];
    },
    /** Changes whenever a corpus's images change, so an in-memory index knows when to reload. */
    imageVersion(corpusId: number | null): string {
      const row = db
        .prepare(
          `SELECT count(*) AS n, coalesce(max(id), 0) AS m FROM corpus_images ${corpusId === null ? '' : 'WHERE corpus_id = ?'}`,
        )
        .get(...(corpusId === null ? [] : [corpusId])) as { n: number; m: number };
      return `${row.n}:${row.m}`;
    },
  };
}
export type CorpusRepository = ReturnType<typeof createCorpusRepository>;
