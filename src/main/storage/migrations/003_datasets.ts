// Schema 3: what browsing and hand-labeling datasets need on top of the foundation tables.
export const datasetsMigration = {
  version: 3,
  name: 'datasets',
  sql: /* sql */ `
-- Full-text search over questions and answers, kept in step with samples by triggers.
CREATE VIRTUAL TABLE samples_fts USING fts5(
  question, answer, content='samples', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER samples_fts_insert AFTER INSERT ON samples BEGIN
  INSERT INTO samples_fts(rowid, question, answer) VALUES (new.id, new.question, new.answer);
END;
CREATE TRIGGER samples_fts_delete AFTER DELETE ON samples BEGIN
  INSERT INTO samples_fts(samples_fts, rowid, question, answer) VALUES ('delete', old.id, old.question, old.answer);
END;
CREATE TRIGGER samples_fts_update AFTER UPDATE OF question, answer ON samples BEGIN
  INSERT INTO samples_fts(samples_fts, rowid, question, answer) VALUES ('delete', old.id, old.question, old.answer);
  INSERT INTO samples_fts(rowid, question, answer) VALUES (new.id, new.question, new.answer);
END;
INSERT INTO samples_fts(samples_fts) VALUES ('rebuild');

CREATE INDEX samples_by_source ON samples(dataset_id, data_source);
CREATE INDEX samples_by_split ON samples(dataset_id, split);

-- Every label decision, so an annotator can undo recent ones and see them listed.
CREATE TABLE label_events (
  id          INTEGER PRIMARY KEY,
  sample_id   INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  annotator   TEXT NOT NULL,
  before_label TEXT,
  before_note  TEXT,
  after_label  TEXT,
  after_note   TEXT,
  created_at  INTEGER NOT NULL,
  undone_at   INTEGER
);
CREATE INDEX label_events_by_annotator ON label_events(annotator, id);
CREATE INDEX label_events_by_sample ON label_events(sample_id);

-- Small previews for the browsing grid, made from the stored image once.
CREATE TABLE image_thumbs (
  sha256 TEXT PRIMARY KEY REFERENCES images(sha256) ON DELETE CASCADE,
  bytes  BLOB NOT NULL,
  mime   TEXT NOT NULL,
  width  INTEGER NOT NULL,
  height INTEGER NOT NULL
);

-- Model-assisted label suggestions: the policy ran N times without search and answered correctly k times.
CREATE TABLE label_suggestions (
  sample_id  INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
  model      TEXT NOT NULL,
  runs       INTEGER NOT NULL CHECK (runs > 0),
  correct    INTEGER NOT NULL CHECK (correct >= 0 AND correct <= runs),
  label      TEXT NOT NULL CHECK (label IN ('search_free','search_required')),
  created_at INTEGER NOT NULL
);
`,
};
