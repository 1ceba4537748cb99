// A real training run for the lab's tests: the demo pipeline in its smallest configuration (about ten seconds),
// written into a temp data folder. Every stage runs for real, so trajectories, turns, rewards and metrics are
// exactly what a user's run records.
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { logger } from '../../src/main/platform/log';
import { runDemo, type DemoOptions, type DemoReport } from '../../src/main/demo/pipeline/pipeline';
import type { Store } from '../../src/main/storage';
import { Engine } from '../../src/main/engine/engine';
import { afterAll, beforeAll } from 'vitest';
import { removeTempHomes, tempHome } from './home';

/** The smallest tiny-VLM configuration that still runs every stage: for tests of plumbing, not of learning. */
export const TINY_MODEL = {
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  head_dim: 16,
  max_position_embeddings: 512,
  vision_config: { image_size: 16, patch_size: 8, hidden_size: 32, intermediate_size: 64, depth: 1, num_heads: 2 },
};

/** Runs the demo pipeline into `home` with no progress output and nothing to cancel it. */
export function runQuietDemo(store: Store, home: string, options: DemoOptions): Promise<DemoReport> {
  return runDemo({ store, home, log: logger('test'), progress: () => {}, throwIfCancelled: () => {} }, options);
}

/** Runs the tiny demo into `home` and returns the GRPO run's id. */
export async function makeRunFixture(
  home: string,
  grpo = { steps: 3, batchPrompts: 3, groupSize: 3, lr: 1e-3 },
): Promise<number> {
  const store = openStore(homePaths(home).database);
  try {
    const report = await runQuietDemo(store, home, {
      quick: true,
      noSearchPenalty: false,
      unbalanced: false,
      world: { entities: 12, questionsPerEntity: 2, testQuestionsPerEntity: 2, webOnlySpecies: 0 },
      pretrain: {
        epochs: 4,
        factEpochs: 1,
        batchSize: 4,
        lr: 3e-3,
        // The fixture's model was tuned at this rate (tests rely on how often it searches), not the demo's.
        readingLr: 3e-3,
        drillSteps: 4,
        factPasses: 1,
        protocolPasses: 1,
        knowledgeLessons: 1,
        gates: false,
        model: TINY_MODEL,
      },
      grpo,
      evalQuestions: 4,
    });
    return report.run.id;
  } finally {
    store.close();
  }
}

/** Makes the fixture run in a fresh temp folder (removed by removeTempHomes) and opens an engine on it. */
export async function openRunFixture(): Promise<{ engine: Engine; runId: number }> {
  const home = tempHome();
  const runId = await makeRunFixture(home);
  return { engine: Engine.open({ home, face: 'cli' }), runId };
}

/**
 * For a test file on the fixture run: opens it once before the file's tests (handing it to `opened`) and closes
 * the engine and removes the temp folder after them.
 */
export function useRunFixture(opened: (fixture: { engine: Engine; runId: number }) => void): void {
  let engine: Engine | undefined;
  beforeAll(async () => {
    const fixture = await openRunFixture();
    engine = fixture.engine;
    opened(fixture);
  }, 180_000);
  afterAll(async () => {
    await engine?.close();
    removeTempHomes();
  });
}
