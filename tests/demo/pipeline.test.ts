// The demo pipeline end to end on a very small world: every stage runs for real (world → dataset and corpus →
// SFT of a tiny VLM → GRPO with the local search engine → evaluation against the baselines). Learning quality is
// measured by `searchlab demo`, not here; this checks that the stages connect and record what they should.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { logger } from '../../src/main/platform/log';
import { runDemo } from '../../src/main/demo/pipeline/pipeline';
import { demoModelFolder, readPretrainingRecord } from '../../src/main/demo/pipeline/pretrain';
import { demoTable } from '../../src/main/cli/commands/demo';
import { tempHome, removeTempHomes } from '../helpers/home';
import { TINY_MODEL } from '../helpers/run-fixture';

afterAll(removeTempHomes);

describe('the demo pipeline', () => {
  it('builds the world, pre-trains, trains with GRPO and evaluates, recording everything', async () => {
    const home = tempHome();
    const store = openStore(homePaths(home).database);
    const messages: string[] = [];
    const report = await runDemo(
      { store, home, log: logger('test'), progress: (_d, _t, m) => messages.push(m), throwIfCancelled: () => {} },
      {
        quick: true,
        noSearchPenalty: false,
        unbalanced: false,
        world: { entities: 12, questionsPerEntity: 2, testQuestionsPerEntity: 2, webOnlySpecies: 4 },
        pretrain: {
          epochs: 1,
          factEpochs: 1,
          batchSize: 4,
          drillSteps: 4,
          factPasses: 1,
          protocolPasses: 1,
          readingLessons: 1,
          knowledgeLessons: 1,
          gateQuestions: 2,
          gateRounds: 1,
          gateReadingEpochs: 1,
          gateKnowledgeEpochs: 1,
          model: TINY_MODEL,
        },
        grpo: { steps: 2, batchPrompts: 2, groupSize: 2 },
        evalQuestions: 4,
      },
    );
    expect(report.world).toEqual({ seed: 7, entities: 12, familiar: 5, questions_test: 6 });
    for (const p of Object.values(report.policies)) {
      for (const v of [p.accuracy, p.search_ratio_familiar, p.search_ratio_unfamiliar])
        (expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1));
    }
    // The RAG baseline always searches (its image search is forced whole; the text search's query is the barely
    // trained model's to write, so it may not be valid); direct answering never does.
    expect(report.policies.rag.search_ratio_familiar).toBe(1);
    expect(report.policies.rag.search_ratio_unfamiliar).toBe(1);
    expect(report.policies.rag.searches_per_question).toBeGreaterThanOrEqual(1);
    expect(report.policies.direct.searches_per_question).toBe(0);
    expect(report.run.steps).toBe(2);
    // the run's one checkpoint is the one evaluated, measured on the never-shown look-alikes first
    expect(report.run.evaluated_step).toBe(2);
    expect(report.run.candidates).toEqual([{ step: 2, unseen_lookalikes: expect.any(Number) }]);
    const run = store.repos.runs.get(report.run.id)!;
    expect(run.status).toBe('finished');
    expect(store.repos.trajectories.countForStep(run.id, 1)).toBe(4);
    expect(store.repos.trajectories.countForStep(run.id, 2)).toBe(4);
    expect(store.repos.runs.metrics(run.id).filter((m) => m.name === 'reward_mean')).toHaveLength(2);
    expect(
      store.repos.runs
        .evaluations()
        .map((e) => e.policy)
        .sort(),
    ).toEqual(['direct', 'policy', 'policy', 'rag']);
    expect(messages.some((m) => m.startsWith('Pre-training'))).toBe(true);

    // The gates measured copying after the reading lessons and both skills at the end; a model this barely trained
    // has neither, so each check's one extra round was spent and the report says so.
    const gates = report.pretraining!;
    expect(gates.checks[0].phase).toBe('reading');
    expect(gates.checks.at(-1)!.phase).toBe('knowledge');
    for (const { figures } of gates.checks)
      for (const share of [figures.copying, ...Object.values(figures.knowledge), figures.unseenLookalikes!])
        (expect(share).toBeGreaterThanOrEqual(0), expect(share).toBeLessThanOrEqual(1));
    expect(gates.passed).toBe(false);
    expect(gates.budgetExhausted).toBe(true);
    expect(gates.extraRounds).toBe(2); // one at each check
    expect(messages.some((m) => m.includes('gate after reading: copying'))).toBe(true);
    expect(readPretrainingRecord(demoModelFolder(home))).toEqual(gates);
    const table = demoTable(report).join('\n');
    expect(table).toContain('pre-training gates');
    expect(table).toContain('Warning: pre-training ended, after 2 extra rounds, with a skill still short');
    store.close();
  });
});
