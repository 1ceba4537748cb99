// Schema 2: the local search engine's corpora (documents in FTS5 for BM25, images with perceptual hashes),
// the cache's extra columns, and a log of every tool call (hits, misses, errors, budget stops) for statistics.
export const search = {
  version: 2,
  name: 'search',
  sql: /* sql */ `
CREATE TABLE corpora (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  source      TEXT,                        -- folder it was ingested from, if any
  status      TEXT NOT NULL CHECK (status IN ('ingesting','ready')),
  created_at  INTEGER NOT NULL
);

CREATE TABLE corpus_docs (
  id        INTEGER PRIMARY KEY,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  source    TEXT NOT NULL,                 -- file (and line) it came from; makes a re-run skip what is in
  title     TEXT NOT NULL,
  url       TEXT NOT NULL,
  body      TEXT NOT NULL,
  -- The corpus as one FTS token ("c12"): FTS5 intersects it with the query's terms in the index, so a search
  -- in one corpus never visits another corpus's matches (a join on corpus_id did, per match).
  corpus    TEXT GENERATED ALWAYS AS ('c' || corpus_id) VIRTUAL,
  UNIQUE (corpus_id, source)
);

-- BM25 over titles and bodies; external content, kept in step with corpus_docs by the triggers below.
CREATE VIRTUAL TABLE corpus_fts USING fts5(title, body, corpus, content='corpus_docs', content_rowid='id', tokenize='porter unicode61');
CREATE TRIGGER corpus_docs_ai AFTER INSERT ON corpus_docs BEGIN
  INSERT INTO corpus_fts(rowid, title, body, corpus) VALUES (new.id, new.title, new.body, new.corpus);
END;
CREATE TRIGGER corpus_docs_ad AFTER DELETE ON corpus_docs BEGIN
  INSERT INTO corpus_fts(corpus_fts, rowid, title, body, corpus) VALUES ('delete', old.id, old.title, old.body, old.corpus);
END;

CREATE TABLE corpus_images (
  id            INTEGER PRIMARY KEY,
  corpus_id     INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  doc_id        INTEGER REFERENCES corpus_docs(id) ON DELETE CASCADE,
  source        TEXT NOT NULL,
  image_sha256  TEXT NOT NULL REFERENCES images(sha256),
  thumb_sha256  TEXT NOT NULL REFERENCES images(sha256),
  title         TEXT NOT NULL,
  url           TEXT NOT NULL,
  dhash         BLOB NOT NULL,             -- 64-bit difference hash
  embedding     BLOB NOT NULL,             -- Float32Array 8×8 RGB colour layout, mean-centred, L2-normalised
  UNIQUE (corpus_id, source)
);
CREATE INDEX corpus_images_by_corpus ON corpus_images(corpus_id);

ALTER TABLE search_cache ADD COLUMN mode TEXT NOT NULL DEFAULT 'cache-first';
ALTER TABLE search_cache ADD COLUMN results TEXT NOT NULL DEFAULT '[]';  -- JSON list of SearchResultItem

CREATE TABLE search_calls (
  id         INTEGER PRIMARY KEY,
  key        TEXT NOT NULL,
  tool       TEXT NOT NULL,
  engine     TEXT NOT NULL,
  status     TEXT NOT NULL,                -- hit | miss | refreshed | replay-miss | budget-spent | error
  latency_ms REAL NOT NULL,
  cost       REAL NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX search_calls_by_tool ON search_calls(tool, status);
`,
};
