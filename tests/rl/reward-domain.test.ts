// Reward specs are checked for types and value ranges before they are saved or run: each spec below used to
// check "ok" and then throw at scoring, after a step's rollouts. They go through the engine's reward.check and
// reward.save as the reward editor calls them (real engine, real database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { tempHome, removeTempHomes } from '../helpers/home';
import { DEFAULT_REWARD_SPEC } from '../../src/main/rl/reward/spec';
import { runGrpo } from '../../src/main/rl/train/grpo';

let engine: Engine;
beforeAll(() => {
  engine = Engine.open({ home: tempHome(), face: 'cli' });
});
afterAll(async () => {
  await engine.close();
  removeTempHomes();
});

const spec = (expression: string, constants: Record<string, number> = {}) => ({
  name: 'checked',
  expression,
  constants,
  answerMatch: 'em' as const,
});

describe('reward spec domain check', () => {
  it.each([
    ['log(f1)', 5, /log\(\) of "f1", which can be ≤ 0 \(it ranges from 0 to 1\)/],
    ['score - 0.1 / searches', 15, /Division by "searches", which can be 0/],
    ['judge', 1, /"judge" has a value only where has_judge is true/],
    ['1/0', 3, /Division by "0", which is 0/],
    ['score + need', 9, /"need" is text and cannot be used as a number/],
    ['score * 1 / (turns - 1)', 14, /Division by "turns - 1", which can be 0/],
    ['exp(tokens)', 1, /The reward can be infinite/],
  ])('reports %s with its position', async (expression, character, message) => {
    const check = await engine.call('reward.check', { spec: spec(expression) });
    expect(check.ok).toBe(false);
    expect(check.error?.message).toMatch(message);
    expect(check.error?.position).toBe(character - 1);
    expect(check.error?.message).toContain(`(at character ${character})`);
    await expect(engine.call('reward.save', { spec: spec(expression) })).rejects.toThrow(message);
  });

  it('accepts the same intentions written safely', async () => {
    for (const expression of [
      DEFAULT_REWARD_SPEC.expression,
      'f1 > 0 ? log(f1) : -5',
      'searches > 0 ? score / searches : score',
      'searched ? score / searches : score',
      'score - 0.1 / max(searches, 1)',
      'has_judge ? judge : score',
      'need == "both" ? score : score - 0.1 * searches',
      'score / turns',
    ]) {
      const check = await engine.call('reward.check', { spec: spec(expression, { alpha: 0.1, search_penalty: 0.1 }) });
      expect(check.error?.message ?? null, expression).toBeNull();
    }
  });

  it("checks a run config's reward before the run is created", async () => {
    const config = {
      name: 'r',
      model: { checkpoint: 1 },
      dataset: 'd',
      grpo: { steps: 2 },
      reward: { name: 'bad', version: 1, expression: 'log(f1)', constants: {} },
    };
    const { issues } = await engine.call('runs.validate', { config });
    expect(issues).toContainEqual({
      path: 'reward.expression',
      message: expect.stringMatching(/log\(\) of "f1", which can be ≤ 0.*\(at character 5\)/),
    });
    await expect(engine.call('runs.create', { config })).rejects.toThrow(/config\.reward\.expression: log\(\) of "f1"/);
  });

  it('refuses to train a run whose stored spec predates the check, before any rollout', async () => {
    // As an older version stored it: the run row written directly, its spec never checked.
    const config = {
      name: 'old',
      model: { checkpoint: 1 },
      dataset: 'd',
      grpo: { steps: 2 },
      reward: { name: 'old', version: 1, expression: 'score / searches', constants: {} },
    };
    const run = engine.store.repos.runs.insert('old', 'grpo', config);
    const ctx = {
      store: engine.store,
      home: engine.home,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      progress() {},
      cancelled: () => false,
    };
    await expect(runGrpo(ctx, run.id)).rejects.toThrow(
      new RegExp(`Run ${run.id} cannot train: its reward spec fails the check: Division by "searches", which can be 0`),
    );
    expect(engine.store.repos.runs.get(run.id)!.status).toBe(run.status);
  });

  it('follows constants into the check', async () => {
    expect((await engine.call('reward.check', { spec: spec('score / k', { k: 0 }) })).error?.message).toMatch(
      /Division by "k", which is 0/,
    );
    expect((await engine.call('reward.check', { spec: spec('score / k', { k: 2 }) })).ok).toBe(true);
  });
});
