// The rollout's tools backed by SearchLab's search service (and so by its cache), and the samples a rollout
// takes, read from a dataset's stored rows.
import type { Store } from '../../storage';
import { SearchService } from '../../search';
import type { SearchBudget } from '../../search';
import type { ToolboxOptions } from '../../search';
import type { RolloutTools } from './engine';
import { asShownToModel } from '../../search';
import type { RolloutSample } from './types';

export function searchRolloutTools(
  store: Store,
  home: string,
  options: Partial<Pick<ToolboxOptions, 'engine' | 'corpus' | 'mode'>> & {
    budget?: SearchBudget;
    thumbnails?: boolean;
    links?: boolean;
  } = {},
): RolloutTools {
  const service = new SearchService({ store, home });
  const toolbox = service.toolbox(options);
  const config = service.config();
  return {
    imageSearch: async (sample) =>
      asShownToModel(await toolbox.imageSearch({ bytes: sample.image, url: sample.imageUrl }), options),
    textSearch: async (query) => asShownToModel(await toolbox.textSearch(query), options),
    image: (sha) => storedImage(store, sha),
    stopped: () => toolbox.stopped(),
    settings: {
      engine: options.engine ?? config.engine,
      corpus: options.corpus === undefined ? config.corpus : options.corpus,
      thumbnails: options.thumbnails ?? true,
      links: options.links ?? true,
    },
  };
}

export function storedImage(store: Store, sha: string): Uint8Array {
  const found = store.repos.images.get(sha);
  if (!found) throw new Error(`Image ${sha} is not in the store`);
  return found.bytes;
}

/** A dataset's rows (those with an image) as rollout samples, with their data source for per-source metrics. */
export function datasetSamples(
  store: Store,
  datasetId: number,
  split: string | null,
  limit?: number,
): (RolloutSample & { dataSource: string | null })[] {
  return store.repos.trajectories
    .trainingRows(datasetId, split)
    .slice(0, limit)
    .map((r) => ({
      sampleId: r.id,
      question: r.question,
      image: storedImage(store, r.imageSha256),
      imageUrl: r.imageUrl,
      groundTruth: r.answer,
      candidateAnswers: r.candidateAnswers,
      need: r.need,
      dataSource: r.dataSource,
    }));
}
