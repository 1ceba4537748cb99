// Schema 5: what the lab keeps of its own work: counterfactual replays from a trajectory's decision point, and
// re-scorings of a run under an edited reward spec (one row per trajectory, beside the rewards training recorded).
export const lab = {
  version: 5,
  name: 'lab',
  sql: /* sql */ `
CREATE TABLE replays (
  id            INTEGER PRIMARY KEY,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  turn_index    INTEGER NOT NULL,                    -- the decision point: the turn whose action was forced
  forced        TEXT NOT NULL,                       -- answer | image_search | text_search
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  cache_mode    TEXT NOT NULL,                       -- live | cache-first | replay-only
  temperature   REAL NOT NULL,
  seed          INTEGER NOT NULL,
  result        TEXT NOT NULL,                       -- JSON: turns, end, answer, reward breakdown
  created_at    INTEGER NOT NULL
);
CREATE INDEX replays_by_trajectory ON replays(trajectory_id, id);

CREATE TABLE rescores (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  spec        TEXT NOT NULL,                         -- JSON: the spec as edited (name, expression, constants, answerMatch)
  status      TEXT NOT NULL,                         -- running | finished
  count       INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
);
CREATE INDEX rescores_by_run ON rescores(run_id, id);

CREATE TABLE rescore_rewards (
  rescore_id    INTEGER NOT NULL REFERENCES rescores(id) ON DELETE CASCADE,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  total         REAL NOT NULL,
  score         REAL NOT NULL,
  format        REAL NOT NULL,
  penalty       REAL NOT NULL,
  advantage     REAL NOT NULL,
  PRIMARY KEY (rescore_id, trajectory_id)
) WITHOUT ROWID;
`,
};
