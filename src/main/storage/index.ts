// The storage layer: one database per home, and the repositories that own every SQL statement.
import { openDatabase, schemaVersion, type Db, type OpenOptions } from './database';
import { createJobsRepository } from './repositories/jobs';
import { createSettingsRepository } from './repositories/settings';
import { createImagesRepository } from './repositories/images';
import { createStatsRepository } from './repositories/stats';
import { createDatasetsRepository } from './repositories/datasets';
import { createSamplesRepository } from './repositories/samples';
import { createLabelsRepository } from './repositories/labels';
import { createThumbsRepository } from './repositories/datasets-images';
import { createCorpusRepository } from './repositories/corpus';
import { createSearchCacheRepository } from './repositories/search-cache';
import { createRunsRepository } from './repositories/runs';
import { createTrajectoriesRepository } from './repositories/trajectories';
import { createTrajectoryViewsRepository } from './repositories/trajectory-views';
import { createRescoreRepository } from './repositories/rescore';
import { createReplaysRepository } from './repositories/replays';

export function createRepositories(db: Db, file: string) {
  return {
    jobs: createJobsRepository(db),
    settings: createSettingsRepository(db),
    images: createImagesRepository(db),
    stats: createStatsRepository(db, file),
    datasets: createDatasetsRepository(db),
    samples: createSamplesRepository(db),
    labels: createLabelsRepository(db),
    thumbs: createThumbsRepository(db),
    corpus: createCorpusRepository(db),
    searchCache: createSearchCacheRepository(db),
    runs: createRunsRepository(db),
    trajectories: createTrajectoriesRepository(db),
    trajectoryViews: createTrajectoryViewsRepository(db),
    rescore: createRescoreRepository(db),
    replays: createReplaysRepository(db),
    schemaVersion: () => schemaVersion(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;

export interface Store {
  db: Db;
  file: string;
  repos: Repositories;
  close(): void;
}

/** Opens (and migrates) the database; with `options.readOnly`, for reading only (see database.ts). */
export function openStore(file: string, options: OpenOptions = {}): Store {
  const db = openDatabase(file, undefined, options);
  return { db, file, repos: createRepositories(db, file), close: () => db.close() };
}

export { openDatabase, SchemaBehindError, type Db, type OpenOptions } from './database';
export { ReadOnlyFolderError } from './read-only';
