// Stage 1 of the demo: the world as SearchLab data. The questions become a dataset (imported through the same
// JSONL importer users use, with their pictures as files), and the species pages with their emblems become the
// local search corpus. Familiarity is recorded as each sample's data source, so every metric per data source
// reads as "familiar" versus "unfamiliar".
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../storage';
import { importDataset } from '../../datasets';
import { DatasetImportParams } from '../../../shared/contract';
import { ingestCorpus } from '../../search';
import { updateSearchConfig } from '../../search';
import { DEMO_SEARCH } from './settings';
import { buildWorld } from '../world/world';
import { drawEmblem } from '../world/draw';
import type { World, WorldOptions } from '../world/types';

export const DEMO_DATASET = 'demo-world';
export const DEMO_CORPUS = 'demo-world';
export const FAMILIAR = 'demo-familiar';
export const UNFAMILIAR = 'demo-unfamiliar';

export interface StageHooks {
  progress(done: number, total: number | null, message: string): void;
  throwIfCancelled(): void;
}

export async function buildDemoWorkspace(
  store: Store,
  home: string,
  options: WorldOptions,
  hooks: StageHooks,
  names = { dataset: DEMO_DATASET, corpus: DEMO_CORPUS },
): Promise<World> {
  const world = buildWorld(options);
  const folder = path.join(home, 'demo', `world-${options.seed}-${options.entities}-${options.webOnlySpecies}`);
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  const lines: string[] = [];
  for (const [i, q] of world.questions.entries()) {
    const entity = world.entities[q.entityId];
    const file = path.join('images', `q-${q.id}.png`);
    if (!fs.existsSync(path.join(folder, file)))
      fs.writeFileSync(path.join(folder, file), await drawEmblem(entity.look, q.variation));
    lines.push(
      JSON.stringify({
        data_id: q.id,
        question: q.text,
        answer: q.answer,
        candidate_answers: q.candidateAnswers,
        image: file,
        data_source: entity.familiar ? FAMILIAR : UNFAMILIAR,
        category: q.kind,
        split: q.split,
        search_need: q.searchNeed,
      }),
    );
    if (i % 50 === 0) {
      hooks.throwIfCancelled();
      hooks.progress(i, world.questions.length, `Drawing question pictures (${i} of ${world.questions.length})`);
    }
  }
  const jsonl = path.join(folder, 'questions.jsonl');
  fs.writeFileSync(jsonl, lines.join('\n') + '\n');

  if (!store.repos.datasets.exists(names.dataset)) {
    const result = await importDataset(
      store,
      home,
      DatasetImportParams.parse({
        path: jsonl,
        dataset: names.dataset,
        format: 'jsonl',
        description: 'The demo world: questions about species of a made-up archipelago',
      }),
      {
        progress: (done, total, message) => hooks.progress(done, total, `Importing questions: ${message}`),
        throwIfCancelled: hooks.throwIfCancelled,
      },
    );
    if (!result.committed)
      throw new Error(`The demo questions did not import: ${JSON.stringify(result.rejected.slice(0, 3))}`);
  }

  const species = [...world.entities, ...world.webOnly];
  const docs = await Promise.all(
    world.documents.map(async (doc) => ({
      source: `species:${doc.entityId}`,
      title: doc.title,
      url: doc.url,
      body: doc.body,
      images: [{ bytes: await drawEmblem(species[doc.entityId].look, 0), source: `emblem:${doc.entityId}` }],
    })),
  );
  await ingestCorpus(
    store,
    { docs },
    {
      name: names.corpus,
      description: 'Pages of the demo archipelago: one per species, with its emblem',
      progress: (done, total, message) => hooks.progress(done, total, `Indexing pages: ${message}`),
      throwIfCancelled: hooks.throwIfCancelled,
    },
  );
  updateSearchConfig(store, { ...DEMO_SEARCH, corpus: names.corpus });
  return world;
}
