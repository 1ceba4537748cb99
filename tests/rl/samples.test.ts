import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { buildDemoWorkspace, DEMO_DATASET } from '../../src/main/demo/pipeline/workspace';
import { QUICK_WORLD } from '../../src/main/demo/world/world';
import { trainingSamples } from '../../src/main/rl/train/samples';
import { tempHome, removeTempHomes } from '../helpers/home';

let store: Store;
beforeAll(async () => {
  const home = tempHome();
  store = openStore(homePaths(home).database);
  await buildDemoWorkspace(
    store,
    home,
    { ...QUICK_WORLD, entities: 40, questionsPerEntity: 3, testQuestionsPerEntity: 3, webOnlySpecies: 0 },
    { progress: () => {}, throwIfCancelled: () => {} },
  );
}, 120_000);
afterAll(() => {
  store.close();
  removeTempHomes();
});

describe('training prompts', () => {
  it('are the same for the same seed and step, so a resumed run sees the prompts it would have seen', () => {
    const a = trainingSamples(store, DEMO_DATASET, 'train', 3)
      .forStep(4, 5)
      .map((s) => s.sampleId);
    const b = trainingSamples(store, DEMO_DATASET, 'train', 3)
      .forStep(4, 5)
      .map((s) => s.sampleId);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
  });

  it('can be skewed to mostly search-required questions (the unbalanced-data ablation)', () => {
    const natural = trainingSamples(store, DEMO_DATASET, 'train', 3);
    const skewed = trainingSamples(store, DEMO_DATASET, 'train', 3, 0.95);
    const share = (samples: ReturnType<typeof trainingSamples>) => {
      const all = samples.forStep(1, samples.count);
      return all.filter((s) => s.need !== 'search_free').length / all.length;
    };
    expect(share(natural)).toBeLessThan(0.8);
    expect(share(skewed)).toBeGreaterThanOrEqual(0.93);
    expect(() => trainingSamples(store, 'nope', 'train', 1)).toThrow(/No dataset named "nope"/);
  });
});
