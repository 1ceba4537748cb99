import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/main/rl/train/config';
import { learningRate } from '../../src/main/rl/train/schedule';

describe('run configs', () => {
  it('fills in the method defaults', () => {
    const c = parseRunConfig({ name: 'r', model: { checkpoint: 1 }, dataset: 'd', grpo: { steps: 10 } });
    expect(c.rollout).toMatchObject({
      groupSize: 4,
      temperature: 1,
      maxTurns: 3,
      maxImageSearches: 1,
      maxTextSearches: 2,
    });
    expect(c.grpo).toMatchObject({ batchPrompts: 32, lr: 2e-6, clipRatio: 0.2, klCoef: 0.001, entropyCoef: 0 });
    expect(c.reward.constants).toEqual({ alpha: 0.1, search_penalty: 0.1 });
    expect(c.search.mode).toBe('cache-first');
    expect(c.search).toMatchObject({ thumbnails: true, links: true });
    expect(c.runtime.cpuThreads).toBeNull(); // ONNX Runtime's own choice
  });

  it('reads the demo world example the README points to', () => {
    const c = parseRunConfig(
      JSON.parse(readFileSync(new URL('../../examples/demo-grpo.json', import.meta.url), 'utf8')),
    );
    expect(c.search).toMatchObject({ corpus: 'demo-world', thumbnails: false, links: true });
    expect(c.runtime.cpuThreads).toBe(1); // the demo's runs repeat bit for bit
  });

  it('names the field that is wrong', () => {
    expect(() => parseRunConfig({ name: 'r', model: { checkpoint: 1 }, dataset: 'd', grpo: { steps: 0 } })).toThrow(
      /config\.grpo\.steps/,
    );
    expect(() =>
      parseRunConfig({
        name: 'r',
        model: { checkpoint: 1 },
        dataset: 'd',
        grpo: { steps: 5 },
        rollout: { groupSize: 1 },
      }),
    ).toThrow(/config\.rollout\.groupSize/);
    expect(() =>
      parseRunConfig({ name: 'r', model: { checkpoint: 1 }, dataset: 'd', grpo: { steps: 5 }, extra: 1 }),
    ).toThrow(/extra/);
    expect(() =>
      parseRunConfig({
        name: 'r',
        model: { checkpoint: 1 },
        dataset: 'd',
        grpo: { steps: 5 },
        runtime: { cpuThreads: 0 },
      }),
    ).toThrow(/config\.runtime\.cpuThreads/);
  });
});

describe('the learning-rate schedule', () => {
  const o = { lr: 1, warmupSteps: 10, minLrRatio: 0.1, steps: 110 };
  it('warms up linearly', () => {
    expect(learningRate(5, { ...o, decay: 'cosine' })).toBeCloseTo(0.5, 12);
    expect(learningRate(10, { ...o, decay: 'cosine' })).toBeCloseTo(1, 12);
  });
  it('decays to the floor by the last step', () => {
    expect(learningRate(110, { ...o, decay: 'cosine' })).toBeCloseTo(0.1, 12);
    expect(learningRate(60, { ...o, decay: 'cosine' })).toBeCloseTo(0.55, 12);
    expect(learningRate(60, { ...o, decay: 'linear' })).toBeCloseTo(0.55, 12);
    expect(learningRate(80, { ...o, decay: 'constant' })).toBe(1);
  });
});
