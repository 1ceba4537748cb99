// The dataset job kinds: import and export, each run in its own process with progress and cancel.
import path from 'node:path';
import { JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { buildBalanced, exportDataset, importDataset, suggestLabels } from '../../datasets';

export const datasetImportJob = defineJob({
  kind: 'datasets.import',
  params: JobParamsByKind['datasets.import'],
  title: (p) => `Import ${path.basename(p.path)} as “${p.dataset}”`,
  run: (ctx, params) =>
    importDataset(ctx.store, ctx.home, params, {
      progress: (done, total, message) => ctx.progress(done, total, message),
      throwIfCancelled: () => ctx.throwIfCancelled(),
    }),
});

export const datasetExportJob = defineJob({
  kind: 'datasets.export',
  params: JobParamsByKind['datasets.export'],
  title: (p) => `Export “${p.dataset}” as ${p.format === 'verl' ? 'veRL parquet' : 'JSONL'}`,
  run: (ctx, params) =>
    exportDataset(ctx.store, params, (done, total) => {
      ctx.throwIfCancelled();
      ctx.progress(done, total, `Wrote ${done.toLocaleString('en')} of ${total.toLocaleString('en')} samples`);
    }),
});

export const datasetBalanceJob = defineJob({
  kind: 'datasets.balance',
  params: JobParamsByKind['datasets.balance'],
  title: (p) => `Build balanced subset “${p.name}”`,
  run: async (ctx, params) => buildBalanced(ctx.store, params, (message) => ctx.progress(0, null, message)),
});

export const datasetSuggestJob = defineJob({
  kind: 'datasets.suggest',
  params: JobParamsByKind['datasets.suggest'],
  title: (p) => `Suggest labels with checkpoint ${p.checkpointId}`,
  run: async (ctx, params) =>
    suggestLabels(ctx.store, params, { progress: ctx.progress, throwIfCancelled: ctx.throwIfCancelled }),
});
