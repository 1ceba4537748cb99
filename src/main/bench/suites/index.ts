import type { BenchSuite } from '../suite';

/** Every benchmark suite, in the order `npm run bench` runs them. */
export const suites: BenchSuite[] = [];
import { modelSuite } from './model'; suites.push(modelSuite);
import { datasetsSuite } from './datasets'; suites.push(datasetsSuite);
import { searchSuite } from './search'; suites.push(searchSuite);
