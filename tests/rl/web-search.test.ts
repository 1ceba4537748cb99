// Runs on the web search engine against a loopback SerpApi. A run whose searches run out (SerpApi "Your account
// has run out of searches.", a 429 that waiting does not fix) pauses with one clear message naming the provider
// and its own words, instead of training on failed searches: the step is not committed, and SerpApi is asked
// exactly once. An evaluation stops the same way. A sample's public image URL reaches Lens by URL in evaluations
// and in counterfactual replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import { logger } from '../../src/main/platform/log';
import { parseRunConfig } from '../../src/main/rl/train/config';
import { runGrpo } from '../../src/main/rl/train/grpo';
import { evaluateCheckpoint } from '../../src/main/rl/eval/run-eval';
import { SearchesStopped } from '../../src/main/rl/rollout/search-stop';
import { searchRolloutTools } from '../../src/main/rl/rollout/search-tools';
import { loadStoredRollout } from '../../src/main/rl/counterfactual/source';
import { updateSearchConfig } from '../../src/main/search/config';
import { startFakeServices, type FakeServices, type Route } from '../search/fakes';
import { serpApiOutOfSearches } from '../search/provider-errors';
import { useRunFixture } from '../helpers/run-fixture';

let engine: Engine;
let fixtureRunId: number;
useRunFixture((fixture) => ({ engine, runId: fixtureRunId } = fixture));

let fakes: FakeServices;
const savedKey = process.env.SERPAPI_API_KEY;
beforeAll(async () => {
  fakes = await startFakeServices();
  process.env.SERPAPI_API_KEY = 'serpapi-test-key-0123456789';
});
afterAll(async () => {
  if (savedKey === undefined) delete process.env.SERPAPI_API_KEY;
  else process.env.SERPAPI_API_KEY = savedKey;
  await fakes.close();
});

const SERPAPI_ROUTES: Route[] = ['upload', 'lens', 'google'];
/** Every SerpApi endpoint answers as an account with no searches left does. */
function outOfSearches(): void {
  fakes.requests.length = 0;
  for (const route of SERPAPI_ROUTES) {
    fakes.faults[route].length = 0;
    for (let i = 0; i < 100; i++)
      fakes.faults[route].push({ kind: 'status', status: 429, body: JSON.stringify(serpApiOutOfSearches) });
  }
}
/** The provider, the endpoint (no key), and SerpApi's own words, then what to do. */
const OUT_OF_SEARCHES =
  'SerpApi [A-Za-z ]+: HTTP 429 from http://127\\.0\\.0\\.1:\\d+/\\S+: out of quota or credit: ' +
  'Your account has run out of searches\\. To go on, change the key or plan ' +
  '\\(`searchlab search config set keys\\.serpapi -`\\)\\.';
const serpapiRequests = () => fakes.requests.filter((r) => SERPAPI_ROUTES.includes(r.route)).length;

function useSerpApi(): void {
  updateSearchConfig(engine.store, {
    serpapi: { baseUrl: fakes.baseUrl },
    reader: { enabled: false },
    summariser: { kind: 'extractive' },
  });
}

describe('searches that run out', () => {
  it('pause a training run with the provider and its message, the step uncommitted, after one request', async () => {
    const { store, home } = engine;
    useSerpApi();
    outOfSearches();
    const stored = parseRunConfig(store.repos.runs.get(fixtureRunId)!.config);
    const config = parseRunConfig({
      ...stored,
      name: 'out-of-searches',
      // The fixture's tiny model searches only now and then; with this seed, in the first step's rollouts.
      seed: 4,
      grpo: { ...stored.grpo, steps: 2, batchPrompts: 4 },
      search: { ...stored.search, engine: 'serpapi', corpus: null, mode: 'live' },
    });
    const ctx = { store, home, log: logger('test'), progress: () => {}, cancelled: () => false };
    const run = store.repos.runs.insert(config.name, 'grpo', config);

    const paused = await runGrpo(ctx, run.id).catch((error: unknown) => error);
    expect(paused).toBeInstanceOf(SearchesStopped);
    expect((paused as Error).message).toMatch(
      new RegExp(`^Run ${run.id} paused at step 1: searches stopped: ${OUT_OF_SEARCHES}$`),
    );
    expect(store.repos.runs.get(run.id)).toMatchObject({ status: 'paused', step: 0 });
    expect((await engine.call('trajectories.list', { runId: run.id })).total).toBe(0);
    expect(serpapiRequests()).toBe(1);
  }, 120_000);

  it('stop an evaluation with the same message', async () => {
    const { store, home } = engine;
    useSerpApi();
    outOfSearches();
    const run = store.repos.runs.get(fixtureRunId)!;
    const checkpoint = store.repos.runs.checkpoints(fixtureRunId).at(-1)!;
    const dataset = store.repos.datasets.find(parseRunConfig(run.config).dataset)!;
    // The search tools of an evaluation are the settings' engine: SerpApi here.
    updateSearchConfig(store, { engine: 'serpapi', corpus: null });
    const stopped = await evaluateCheckpoint(store, home, {
      checkpointId: checkpoint.id,
      dataset: dataset.name,
      split: null,
      // The always-search baseline searches every question by image first.
      policies: ['rag'],
      limit: 4,
    }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(SearchesStopped);
    expect((stopped as Error).message).toMatch(
      new RegExp(`^Evaluation stopped: searches stopped: ${OUT_OF_SEARCHES}$`),
    );
    // Four questions search at once: the first request's answer stops SerpApi before the others are sent.
    expect(serpapiRequests()).toBe(1);
  }, 120_000);
});

describe("a sample's image URL", () => {
  it('reaches Lens by URL in an evaluation and in a replay of its trajectory', async () => {
    const { store, home } = engine;
    useSerpApi();
    fakes.requests.length = 0;
    for (const route of SERPAPI_ROUTES) fakes.faults[route].length = 0;
    const run = store.repos.runs.get(fixtureRunId)!;
    const checkpoint = store.repos.runs.checkpoints(fixtureRunId).at(-1)!;
    const dataset = store.repos.datasets.find(parseRunConfig(run.config).dataset)!;
    store.db
      .prepare("UPDATE samples SET image_url = 'https://img.example/q-' || id || '.jpg' WHERE dataset_id = ?")
      .run(dataset.id);
    updateSearchConfig(store, { engine: 'serpapi', corpus: null, mode: 'live' });
    try {
      await evaluateCheckpoint(store, home, {
        checkpointId: checkpoint.id,
        dataset: dataset.name,
        split: null,
        policies: ['rag'],
        limit: 1,
        label: 'by url',
      });
      const lensUrls = () =>
        fakes.requests
          .filter((r) => r.route === 'lens')
          .map((r) => new URL(r.url, fakes.baseUrl).searchParams.get('url'));
      const [sample] = store.repos.trajectories.trainingRows(dataset.id, null);
      expect(lensUrls()).toEqual([`https://img.example/q-${sample.id}.jpg`]);
      expect(fakes.requests.filter((r) => r.route === 'upload')).toHaveLength(0);

      const evaluation = (await engine.call('runs.list', {})).find((r) => r.name.startsWith('by url'))!;
      const [trajectory] = (await engine.call('trajectories.list', { runId: evaluation.id, limit: 1 })).items;
      const stored = loadStoredRollout(store, trajectory.id);
      expect(stored.sample.imageUrl).toBe(`https://img.example/q-${sample.id}.jpg`);
      // The replay's tools, as counterfactual replay makes them, search that URL.
      const tools = searchRolloutTools(store, home, { ...stored.search, mode: 'live' });
      expect((await tools.imageSearch(stored.sample)).ok).toBe(true);
      expect(lensUrls()).toEqual([`https://img.example/q-${sample.id}.jpg`, `https://img.example/q-${sample.id}.jpg`]);
      expect(fakes.requests.filter((r) => r.route === 'upload')).toHaveLength(0);
    } finally {
      store.db.prepare('UPDATE samples SET image_url = NULL WHERE dataset_id = ?').run(dataset.id);
    }
  }, 120_000);
});
