import { ApiError } from '../../../shared/protocol';
import { datasetMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { agreementOf } from '../../datasets';
import { planBalance } from '../../datasets';
import { suggestStatus } from '../../datasets';
import { imageForServing } from '../../datasets';
import { browse } from '../../datasets';

export function datasetHandlers(ctx: EngineContext): HandlerGroup<keyof typeof datasetMethods> {
  const repos = ctx.store.repos;
  const dataset = (id: number) => {
    const found = repos.datasets.summary(id);
    if (!found) throw new ApiError('not_found', `No dataset with id ${id}`);
    return found;
  };
  /** Existence only: cheap, unlike the summary with its counts. */
  const ensureDataset = (id: number) => {
    if (!repos.datasets.find(id)) throw new ApiError('not_found', `No dataset with id ${id}`);
  };
  const sampleDataset = (sampleId: number) => {
    const id = repos.samples.datasetOf(sampleId);
    if (id === undefined) throw new ApiError('not_found', `No sample with id ${sampleId}`);
    return id;
  };
  return {
    'datasets.list': () => repos.datasets.list(),
    'datasets.get': ({ id }) => dataset(id),
    'datasets.delete': ({ id }) => {
      if (!repos.datasets.delete(id)) throw new ApiError('not_found', `No dataset with id ${id}`);
      return { ok: true as const };
    },
    'datasets.samples': (query) => {
      ensureDataset(query.datasetId);
      return repos.samples.page(query);
    },
    'datasets.sample': ({ id }) => {
      const sample = repos.samples.get(id);
      if (!sample) throw new ApiError('not_found', `No sample with id ${id}`);
      return sample;
    },
    'labels.set': ({ sampleId, annotator, label, note }) => {
      sampleDataset(sampleId);
      const event = repos.labels.set(sampleId, annotator, label, note);
      return { event, labels: repos.samples.labelsFor([sampleId]).get(sampleId) ?? [] };
    },
    'labels.undo': ({ annotator, datasetId }) => ({ undone: repos.labels.undo(annotator, datasetId) }),
    'labels.history': ({ annotator, datasetId, limit }) => repos.labels.history(annotator, datasetId, limit),
    'labels.progress': ({ annotator, datasetId }) => {
      ensureDataset(datasetId);
      return repos.labels.progress(annotator, datasetId);
    },
    'labels.agreement': ({ datasetId }) => {
      ensureDataset(datasetId);
      return agreementOf(repos.labels.ofDataset(datasetId));
    },
    'datasets.balancePlan': (params) => {
      ensureDataset(params.datasetId);
      const { picks: _picks, ...plan } = planBalance(ctx.store, params);
      return plan;
    },
    'datasets.image': async ({ sha256, thumb }) => {
      const image = await imageForServing(ctx.store, sha256, thumb);
      if (!image) throw new ApiError('not_found', `No image ${sha256}`);
      return { mime: image.mime, base64: Buffer.from(image.bytes).toString('base64') };
    },
    'datasets.browse': ({ path }) => {
      try {
        return browse(path);
      } catch (error) {
        throw new ApiError('not_found', (error as Error).message);
      }
    },
    'datasets.suggestStatus': ({ datasetId }) => {
      ensureDataset(datasetId);
      return suggestStatus(ctx.store, datasetId);
    },
  };
}
