// Re-scoring at 200,000 trajectories: every step of it (scoring, advantages per group, the summary the editor
// reads: histogram, sign flips) runs over arrays of that length without spreading them into a call.
import { describe, expect, it } from 'vitest';
import { compileEdited, rescoreRows, summarizeRescore } from '../../src/main/rl/rescore/rescore';
import type { RescoreRow } from '../../src/main/storage/repositories/rescore';
import { maxOf, minOf, pushAll } from '../../src/main/platform/arrays';

const COUNT = 200_000;
const GROUP = 4;

function rows(): RescoreRow[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const answer = i % 3 === 0 ? 'rose' : 'tulip';
    return {
      id: i + 1,
      step: 1 + Math.floor(i / 2000),
      groupIndex: Math.floor((i % 2000) / GROUP),
      sampleIndex: i % GROUP,
      generatedTokens: 50 + (i % 70),
      answer: 'rose',
      candidateAnswers: [],
      need: null,
      total: answer === 'rose' ? 1 : 0,
      advantage: null,
      turns: [
        {
          action: i % 2 === 0 ? 'text_search' : 'image_search',
          actionArg: 'a flower',
          reasoning: 'r',
          wellFormed: true,
        },
        { action: 'answer', actionArg: answer, reasoning: 'r', wellFormed: true },
      ],
    };
  });
}

describe('re-scoring at scale', () => {
  it('re-scores 200,000 trajectories and summarizes them', async () => {
    const items = await rescoreRows(
      rows(),
      compileEdited({ name: 'scale', expression: 'score - 0.3 * searches', constants: {}, answerMatch: 'em' }),
    );
    expect(items).toHaveLength(COUNT);
    const summary = summarizeRescore(items, { pinned: [1, COUNT], bins: 10, limit: 5 });
    expect(summary.count).toBe(COUNT);
    expect(summary.histogram.after.reduce((a, b) => a + b, 0)).toBe(COUNT);
    expect(summary.histogram.before.reduce((a, b) => a + b, 0)).toBe(COUNT);
    // Rewards fall below 0 (a wrong answer after a search): the bins reach down to the lowest one.
    expect(summary.histogram.edges[0]).toBeCloseTo(-0.3, 9);
    expect(summary.pinned.map((p) => p.id)).toEqual([1, COUNT]);
  }, 60_000);

  it('finds extremes and appends at lengths where spreading into a call throws', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 151_643);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(maxOf(values)).toBe(151_642);
    expect(minOf(values)).toBe(0);
    expect(maxOf([], 1)).toBe(1);
    expect(minOf([3, 2], 0)).toBe(0);
    const target = [1];
    expect(pushAll(target, values)).toBe(target);
    expect(target).toHaveLength(200_001);
  });
});
