// Schema 7: what a cluster said about a rollout it imported (the question, ground truth, candidate answers,
// search-need label and the image it named), kept per trajectory. A rollout that matched no dataset sample is
// re-scored and shown from it instead of an empty answer.
export const trajectoryReferences = {
  version: 7,
  name: 'trajectory-references',
  sql: /* sql */ `
CREATE TABLE trajectory_references (
  trajectory_id     INTEGER PRIMARY KEY REFERENCES trajectories(id) ON DELETE CASCADE,
  question          TEXT,
  ground_truth      TEXT,
  candidate_answers TEXT NOT NULL DEFAULT '[]',  -- JSON list
  search_need       TEXT,
  image_name        TEXT                         -- the image's address or name as the cluster logged it
);
`,
};
