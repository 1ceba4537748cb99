import { foundation } from './001_foundation';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Add one: a numbered file in this folder and one entry here. */
export const migrations: Migration[] = [foundation];
