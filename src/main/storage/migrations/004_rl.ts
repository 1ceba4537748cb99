// Schema 4: what training runs, the debugger and evaluations need on top of the foundation's run tables.
export const rl = {
  version: 4,
  name: 'rl',
  sql: /* sql */ `
CREATE TABLE evaluations (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  policy        TEXT NOT NULL,                       -- policy | direct | rag
  config        TEXT NOT NULL,                       -- JSON
  metrics       TEXT NOT NULL,                       -- JSON: overall and per data source
  created_at    INTEGER NOT NULL
);

ALTER TABLE trajectories ADD COLUMN end_reason TEXT;
ALTER TABLE trajectories ADD COLUMN generated_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trajectories ADD COLUMN image_searches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trajectories ADD COLUMN text_searches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trajectories ADD COLUMN ids BLOB;        -- Int32Array: the whole conversation
ALTER TABLE trajectories ADD COLUMN loss_mask BLOB;  -- Uint8Array over ids
ALTER TABLE trajectories ADD COLUMN logprobs BLOB;   -- Float32Array over ids (behaviour policy; 0 off the mask)
ALTER TABLE trajectories ADD COLUMN evaluation_id INTEGER REFERENCES evaluations(id) ON DELETE CASCADE;

ALTER TABLE turns ADD COLUMN reasoning TEXT;
ALTER TABLE turns ADD COLUMN well_formed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE turns ADD COLUMN finish TEXT;
ALTER TABLE turns ADD COLUMN tool_result TEXT;       -- JSON: what the tool returned (text, thumbnails, results, cache status, error)


CREATE INDEX trajectories_by_sample ON trajectories(sample_id);
CREATE INDEX run_metrics_by_name ON run_metrics(run_id, name, step);
`,
};
