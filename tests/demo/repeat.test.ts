// A demo run repeats bit for bit: the same seeds give the same pre-trained model, the same rollouts and the same
// training curve, so a figure in the README or a failing effects test can be reproduced exactly on the same
// machine (the demo runs ONNX Runtime on one thread per graph; see DEMO_CPU_THREADS).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { demoModelFolder, readPretrainingRecord } from '../../src/main/demo/pipeline/pretrain';
import { tempHome, removeTempHomes } from '../helpers/home';
import { runQuietDemo } from '../helpers/run-fixture';

afterAll(removeTempHomes);

/** What a run learned and did: its pre-trained weights, its learning curves and every rollout's answer. */
async function fingerprint(): Promise<{ weights: string; curves: string[]; answers: string[]; gates: unknown[] }> {
  const home = tempHome();
  const store = openStore(homePaths(home).database);
  try {
    // The demo's own model size on a small world: on the tiny test model's matrices ONNX Runtime's threads never
    // split a sum, so only a model of the demo's size shows whether the run repeats.
    const { run } = await runQuietDemo(store, home, {
      quick: true,
      noSearchPenalty: false,
      unbalanced: false,
      world: { entities: 16, questionsPerEntity: 2, testQuestionsPerEntity: 2, webOnlySpecies: 8 },
      pretrain: {
        epochs: 1,
        factEpochs: 2,
        readingEpochs: 2,
        drillSteps: 8,
        factPasses: 1,
        protocolPasses: 1,
        readingLessons: 2,
        knowledgeLessons: 2,
        // The gates too: what they measure and the extra rounds they ask for repeat with the rest.
        gateQuestions: 3,
        gateRounds: 2,
        gateReadingEpochs: 1,
        gateKnowledgeEpochs: 1,
      },
      grpo: { steps: 2, batchPrompts: 4, groupSize: 4 },
      evalQuestions: 8,
    });
    const folder = demoModelFolder(home);
    const weights = createHash('sha256');
    for (const file of fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.safetensors'))
      .sort())
      weights.update(fs.readFileSync(path.join(folder, file)));
    // Timings and memory differ between runs; everything learned must not.
    const timed = /seconds|latency|memory|per_second/;
    const curves = store.repos.runs
      .metrics(run.id)
      .filter((m) => !timed.test(m.name))
      .map((m) => `${m.step} ${m.name} ${m.value}`);
    const answers = store.db
      .prepare<[number], { a: string | null }>(
        'SELECT final_answer AS a FROM trajectories WHERE run_id = ? ORDER BY id',
      )
      .all(run.id)
      .map((r) => r.a ?? '');
    const gates = readPretrainingRecord(folder)!.checks.map(({ seconds: _seconds, ...check }) => check);
    return { weights: weights.digest('hex'), curves, answers, gates };
  } finally {
    store.close();
  }
}

describe('a demo run', () => {
  it('repeats bit for bit with the same seeds', async () => {
    const first = await fingerprint();
    const second = await fingerprint();
    expect(first.curves.length).toBeGreaterThan(20);
    expect(first.answers.length).toBeGreaterThan(20);
    expect(second.weights).toBe(first.weights);
    expect(second.curves).toEqual(first.curves);
    expect(second.answers).toEqual(first.answers);
    expect(first.gates.length).toBeGreaterThanOrEqual(2);
    expect(second.gates).toEqual(first.gates);
  }, 180_000);
});
