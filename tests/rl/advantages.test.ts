import { describe, expect, it } from 'vitest';
import { groupAdvantages, batchAdvantages } from '../../src/main/rl/grpo/advantages';

describe('GRPO advantages', () => {
  it('normalises each reward by its group mean and unbiased standard deviation', () => {
    const g = groupAdvantages([1, 0.91, 0.1, 0.1]);
    const mean = (1 + 0.91 + 0.1 + 0.1) / 4;
    const std = Math.sqrt(((1 - mean) ** 2 + (0.91 - mean) ** 2 + 2 * (0.1 - mean) ** 2) / 3);
    expect(g.mean).toBeCloseTo(mean, 12);
    expect(g.std).toBeCloseTo(std, 12);
    g.advantages.forEach((a, i) => expect(a).toBeCloseTo(([1, 0.91, 0.1, 0.1][i] - mean) / (std + 1e-6), 9));
    expect(g.advantages.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    expect(g.zeroVariance).toBe(false);
  });

  it('gives a group whose rewards are all equal zero advantage and flags it', () => {
    const g = groupAdvantages([0.91, 0.91, 0.91, 0.91]);
    expect(g.advantages).toEqual([0, 0, 0, 0]);
    expect(g.zeroVariance).toBe(true);
  });

  it('ranks a correct answer without search above a correct answer with search', () => {
    const [noSearch, withSearch] = groupAdvantages([1, 0.91, 0.1, 0.1]).advantages;
    expect(noSearch).toBeGreaterThan(withSearch);
    expect(withSearch).toBeGreaterThan(0);
  });

  it('splits a batch into consecutive groups and counts the zero-variance ones', () => {
    const b = batchAdvantages([1, 0, 1, 0, 0.1, 0.1, 0.1, 0.1], 4);
    expect(b.groups).toBe(2);
    expect(b.zeroVarianceGroups).toBe(1);
    expect(b.advantages.slice(4)).toEqual([0, 0, 0, 0]);
    expect(() => batchAdvantages([1, 2, 3], 2)).toThrow(/do not split/);
  });
});
