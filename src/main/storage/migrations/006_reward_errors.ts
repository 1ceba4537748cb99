// Schema 6: a trajectory whose reward spec failed at scoring keeps the error, so the debugger shows why its run
// paused. Such a trajectory belongs to a step that was not committed; the step's commit replaces it.
export const rewardErrors = {
  version: 6,
  name: 'reward-errors',
  sql: /* sql */ `
ALTER TABLE trajectories ADD COLUMN reward_error TEXT;
`,
};
