// The datasets' public surface for the rest of the engine (the API handlers, the job kinds, the server, the veRL
// export, the benchmarks): import and export, browsing and image serving, labels, balanced subsets and label
// suggestions.
export { importDataset, DatasetExistsError, type ImportHooks, type ImportParams } from './import/run';
export { exportDataset, type ExportParams } from './export/run';
export {
  exportVerl,
  extOf,
  list as parquetListColumn,
  text as parquetTextColumn,
  verlLeadingColumns,
} from './export/verl';
export { browse, type BrowseResult } from './browse';
export { IMAGE_PATH, imageForServing } from './images/serve';
export { makeThumb } from './images/decode';
export { agreementOf } from './labels/agreement';
export { buildBalanced, planBalance } from './balance/plan';
export { suggestLabels } from './suggest/run';
export { suggestStatus } from './suggest/status';
export { syntheticJpeg, writeSyntheticJsonl } from './generate';
