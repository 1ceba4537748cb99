// Schema 1: every table SearchLab keeps. Later features change it only through new numbered migrations.
export const foundation = {
  version: 1,
  name: 'foundation',
  sql: /* sql */ `
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,            -- JSON
  updated_at INTEGER NOT NULL
);

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  title       TEXT NOT NULL,
  params      TEXT NOT NULL,           -- JSON, validated against the contract before insert
  status      TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
  done        REAL NOT NULL DEFAULT 0,
  total       REAL,
  message     TEXT,
  error       TEXT,
  result      TEXT,                    -- JSON
  created_at  INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX jobs_by_status ON jobs(status);

-- Content-addressed: an image's bytes are stored once, whatever refers to it.
CREATE TABLE images (
  sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  bytes       BLOB NOT NULL,
  mime        TEXT NOT NULL,
  width       INTEGER,
  height      INTEGER,
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  verified_at INTEGER                  -- last time storage.verify re-hashed it and found it intact
);

CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  source      TEXT,                    -- file or folder it was imported from
  recipe      TEXT,                    -- JSON: how a derived dataset was made (e.g. a balanced subset)
  created_at  INTEGER NOT NULL
);

CREATE TABLE samples (
  id                INTEGER PRIMARY KEY,
  dataset_id        INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  row_index         INTEGER NOT NULL,
  data_id           TEXT,
  question          TEXT NOT NULL,
  answer            TEXT NOT NULL,
  candidate_answers TEXT NOT NULL DEFAULT '[]',   -- JSON list of strings
  image_sha256      TEXT REFERENCES images(sha256),
  image_url         TEXT,
  data_source       TEXT,
  category          TEXT,
  split             TEXT,
  prompt            TEXT,              -- JSON: the original prompt messages, when imported from veRL
  search_need       TEXT,              -- known by construction (demo world), else NULL
  extra             TEXT,              -- JSON: any other fields, kept for round trips
  UNIQUE (dataset_id, row_index)
);
CREATE INDEX samples_by_dataset ON samples(dataset_id, row_index);
CREATE INDEX samples_by_image ON samples(image_sha256);

CREATE TABLE labels (
  id         INTEGER PRIMARY KEY,
  sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  annotator  TEXT NOT NULL,
  label      TEXT NOT NULL CHECK (label IN ('search_free','image_search','text_search','both','unsure')),
  note       TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (sample_id, annotator)
);

CREATE TABLE runs (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,            -- grpo | sft | eval
  config     TEXT NOT NULL,            -- JSON
  status     TEXT NOT NULL,
  job_id     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  step       INTEGER NOT NULL DEFAULT 0, -- last committed step
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE run_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step   INTEGER NOT NULL,
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (run_id, step, name)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  step         INTEGER NOT NULL,
  path         TEXT NOT NULL,          -- safetensors folder beside the database
  model_config TEXT,                   -- JSON
  created_at   INTEGER NOT NULL
);

CREATE TABLE reward_specs (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  expression TEXT NOT NULL,
  constants  TEXT NOT NULL DEFAULT '{}', -- JSON
  created_at INTEGER NOT NULL,
  UNIQUE (name, version)
);

CREATE TABLE trajectories (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step          INTEGER NOT NULL,
  group_index   INTEGER NOT NULL,
  sample_index  INTEGER NOT NULL,      -- position within its GRPO group
  sample_id     INTEGER REFERENCES samples(id) ON DELETE SET NULL,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  status        TEXT NOT NULL,         -- answered | ended | error
  final_answer  TEXT,
  created_at    INTEGER NOT NULL
);
CREATE INDEX trajectories_by_run ON trajectories(run_id, step, group_index, sample_index);

CREATE TABLE turns (
  id             INTEGER PRIMARY KEY,
  trajectory_id  INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  turn_index     INTEGER NOT NULL,
  prompt_text    TEXT,                 -- what was injected before this turn (tool output, instructions)
  response_text  TEXT NOT NULL,
  token_ids      BLOB,                 -- Int32Array
  logprobs       BLOB,                 -- Float32Array, behaviour policy
  loss_mask      BLOB,                 -- Uint8Array
  action         TEXT,                 -- answer | image_search | text_search | invalid
  action_arg     TEXT,
  tool_cache_key TEXT,
  latency_ms     REAL,
  UNIQUE (trajectory_id, turn_index)
);

CREATE TABLE rewards (
  id             INTEGER PRIMARY KEY,
  trajectory_id  INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  reward_spec_id INTEGER REFERENCES reward_specs(id) ON DELETE SET NULL,
  total          REAL NOT NULL,
  parts          TEXT NOT NULL,         -- JSON: score, format, penalty, …
  advantage      REAL,
  created_at     INTEGER NOT NULL,
  UNIQUE (trajectory_id, reward_spec_id)
);

CREATE TABLE search_cache (
  key          TEXT PRIMARY KEY,        -- hash of tool, normalised query or image hash, answer-changing params
  tool         TEXT NOT NULL,           -- image_search | text_search
  engine       TEXT NOT NULL,
  query        TEXT,
  image_sha256 TEXT,
  params       TEXT NOT NULL DEFAULT '{}',
  raw          TEXT,                    -- JSON, the service's response
  output       TEXT,                    -- what the model sees
  output_images TEXT,                   -- JSON list of image sha256
  error        TEXT,
  latency_ms   REAL,
  cost         REAL NOT NULL DEFAULT 0,
  hits         INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  last_hit_at  INTEGER
);
CREATE INDEX search_cache_by_tool ON search_cache(tool, created_at);
`,
};
