import { foundation } from './001_foundation';
import { datasetsMigration } from './003_datasets';
import { search } from './002_search';
import { rl } from './004_rl';
import { lab } from './005_lab';
import { rewardErrors } from './006_reward_errors';
import { trajectoryReferences } from './007_trajectory_references';
import { searchCallCosts } from './008_search_call_costs';
import { jobOwners } from './009_job_owners';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Add one: a numbered file in this folder and one entry here. */
export const migrations: Migration[] = [
  foundation,
  search,
  datasetsMigration,
  rl,
  lab,
  rewardErrors,
  trajectoryReferences,
  searchCallCosts,
  jobOwners,
];
