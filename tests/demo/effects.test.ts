// The method's effects, measured on a real quick demo (world → pre-training → GRPO → evaluation; about 10 minutes
// on two CPU cores), then the paper's no-search-penalty ablation on the same pre-trained model (GRPO and
// evaluation only). The assertions are directions with margins, not exact figures: ONNX Runtime's threaded sums
// make training differ slightly between runs and machines.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { logger } from '../../src/main/platform/log';
import { runDemo, type DemoReport } from '../../src/main/demo/pipeline/pipeline';
import { parseRunConfig } from '../../src/main/rl/train/config';
import { tempHome, removeTempHomes } from '../helpers/home';

afterAll(removeTempHomes);

/** How much more often a policy searches unfamiliar species than familiar ones: the knowledge boundary. */
const boundary = (p: DemoReport['policies']['grpo']) => p.search_ratio_unfamiliar - p.search_ratio_familiar;

/** How often a run's rollouts about familiar species (search-free by construction) searched, over its last ten steps. */
function familiarSearchRatio(store: ReturnType<typeof openStore>, run: DemoReport['run']): number {
  const cells = Array.from({ length: 10 }, (_, k) => run.steps - k).flatMap((step) => store.repos.trajectoryViews.confusion(run.id, step)).filter((c) => c.need === 'search_free');
  const all = cells.reduce((n, c) => n + c.count, 0);
  expect(all).toBeGreaterThan(100);
  return cells.filter((c) => c.behaviour !== 'none').reduce((n, c) => n + c.count, 0) / all;
}

describe('the quick demo', () => {
  it('GRPO learns to search what it has not seen, matches RAG with fewer searches, and searches more without the penalty', async () => {
    const home = tempHome();
    const store = openStore(homePaths(home).database);
    const ctx = { store, home, log: logger('test'), progress: () => {}, throwIfCancelled: () => {} };
    const report = await runDemo(ctx, { quick: true, noSearchPenalty: false, unbalanced: false });
    const { pretrained, grpo, rag, direct } = report.policies;

    const rewards = store.repos.runs.metrics(report.run.id).filter((m) => m.name === 'reward_mean').map((m) => m.value);
    expect(rewards).toHaveLength(parseRunConfig(store.repos.runs.get(report.run.id)!.config).grpo.steps); // every step it planned

    // GRPO learns: on held-out questions it is right more often than the model it started from (+10 to +33
    // points in the five runs of this pre-training measured). The per-step reward is too noisy to show it in so
    // few steps: its last five steps' mean was +0.02 to +0.17 above its first five's in those runs.
    expect(grpo.accuracy).toBeGreaterThan(pretrained.accuracy + 0.03);
    // It searches what it has not seen far more often than what it has (the boundary: 0.38 to 0.58 in the five
    // runs measured), and more so than before GRPO.
    expect(boundary(grpo)).toBeGreaterThan(0.2);
    expect(boundary(grpo)).toBeGreaterThan(boundary(pretrained));
    expect(grpo.accuracy).toBeGreaterThanOrEqual(rag.accuracy - 0.02);
    // Direct answering knows every familiar species, so where pre-training left copying out of search weak (RAG
    // 27% on the 280 test questions) GRPO only matched it (42% against 42%); where copying worked it was 19 to 43
    // points ahead. So: not below it.
    expect(grpo.accuracy).toBeGreaterThanOrEqual(direct.accuracy - 0.02);
    expect(grpo.searches_per_question).toBeLessThan(0.8 * rag.searches_per_question);

    // The ablation reuses the world and the pre-trained model in the same home.
    const free = await runDemo(ctx, { quick: true, noSearchPenalty: true, unbalanced: false });
    expect(free.policies.pretrained.accuracy).toBeCloseTo(pretrained.accuracy, 1); // the same model, evaluated again
    // Without the penalty a correct answer pays the same with or without a search, so nothing spares the species
    // the model knows: it must not search them markedly less than with the penalty. Only that is asserted, on the
    // training rollouts of the last ten steps (about 250 about familiar species). That it searches them *more* holds
    // only where searching pays: measured on two pre-trained models, familiar rollouts 0.60 against 0.45 with the
    // penalty (evaluated 69% against 56%) where copying from search worked (RAG 40%), but 0.20 against 0.27 (16%
    // against 22%) where it did not (RAG 23%), so the direction is recorded in the README, not asserted.
    expect(familiarSearchRatio(store, free.run)).toBeGreaterThan(familiarSearchRatio(store, report.run) - 0.1);
    store.close();
  }, 40 * 60_000);
});
