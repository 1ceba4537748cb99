import type { BenchSuite } from '../suite';
import { modelSuite } from './model';
import { datasetsSuite } from './datasets';
import { searchSuite } from './search';
import { labSuite } from './lab';
import { realModelSuite } from './real-model';
import { demoSeedsSuite } from './demo-seeds';

/** Every benchmark suite, in the order `npm run bench` runs them. Add one: a file here, one line below. */
export const suites: BenchSuite[] = [modelSuite, datasetsSuite, searchSuite, labSuite, realModelSuite, demoSeedsSuite];
