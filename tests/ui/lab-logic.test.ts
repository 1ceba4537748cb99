// The lab pages' pure logic: aligning compared runs on one step axis, expression completion, trajectory events.
import { describe, expect, it } from 'vitest';
import { alignSeries, CHARTS } from '../../src/renderer/src/runs/charts';
import { completions, wordAt } from '../../src/renderer/src/reward/completion';
import { REWARD_VARIABLES } from '../../src/main/rl/reward/spec';

describe('chart series alignment', () => {
  it('puts compared runs on the union of their steps, with gaps where a run has no value', () => {
    const runs: { id: number; series: Record<string, { steps: number[]; values: number[] }> }[] = [
      { id: 1, series: { reward_mean: { steps: [1, 2, 3], values: [0.1, 0.2, 0.3] } } },
      {
        id: 2,
        series: { reward_mean: { steps: [2, 4], values: [0.5, 0.7] }, reward_std: { steps: [4], values: [0.05] } },
      },
    ];
    const { steps, lines } = alignSeries(runs, ['reward_mean', 'reward_std']);
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(lines).toEqual([
      { runId: 1, metric: 'reward_mean', values: [0.1, 0.2, 0.3, null] },
      { runId: 2, metric: 'reward_mean', values: [null, 0.5, null, 0.7] },
      { runId: 2, metric: 'reward_std', values: [null, null, null, 0.05] },
    ]);
  });

  it('leaves out metrics no run recorded', () => {
    expect(alignSeries([{ id: 1, series: {} }], ['kl'])).toEqual({ steps: [], lines: [] });
  });

  it('charts every metric a GRPO step records', async () => {
    const { rolloutMetrics, memoryMetrics } = await import('../../src/main/rl/train/metrics');
    const recorded = [...Object.keys(rolloutMetrics([], [], 0, 0)), ...Object.keys(memoryMetrics('cuda', () => 512))];
    const charted = new Set(CHARTS.flatMap((c) => c.metrics));
    expect(recorded.filter((m) => !charted.has(m))).toEqual([]);
  });
});

describe('memory per step', () => {
  it('records host memory (RSS) always, and GPU memory only on CUDA when the driver reports it', async () => {
    const { memoryMetrics } = await import('../../src/main/rl/train/metrics');
    const cpu = memoryMetrics('cpu', () => 512);
    expect(Object.keys(cpu)).toEqual(['host_memory_mib']);
    expect(cpu.host_memory_mib).toBeGreaterThan(1);
    expect(cpu.host_memory_mib).toBeLessThan((process.memoryUsage().rss / 2 ** 20) * 2);
    expect(memoryMetrics('cuda', () => 512).device_memory_mib).toBe(512);
    expect(memoryMetrics('cuda', () => null)).not.toHaveProperty('device_memory_mib');
  });
});

describe('reward expression completion', () => {
  const names = [...Object.keys(REWARD_VARIABLES), 'alpha', 'min', 'max'];
  it('finds the identifier being typed at the caret', () => {
    expect(wordAt('score * sea', 11)).toEqual({ start: 8, word: 'sea' });
    expect(wordAt('score * sea', 5)).toEqual({ start: 0, word: 'score' });
    expect(wordAt('1 + ', 4)).toEqual({ start: 4, word: '' });
  });
  it('suggests variables, constants and functions that start with it', () => {
    expect(completions('sea', names)).toEqual(['searched', 'searches']);
    expect(completions('al', names)).toEqual(['alpha']);
    expect(completions('', names)).toEqual([]);
    expect(completions('12', names)).toEqual([]);
    expect(completions('score', names)).toEqual([]); // already complete
  });
});
