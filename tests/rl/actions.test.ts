import { describe, expect, it } from 'vitest';
import { parseTurn } from '../../src/main/rl/protocol/actions';
import { nextStep, DEFAULT_LIMITS } from '../../src/main/rl/protocol/limits';

describe('reading a turn', () => {
  it('reads an answer', () => {
    const t = parseTurn('<reason>I know this bird.</reason><answer> Kingfisher </answer>');
    expect(t).toEqual({
      action: { kind: 'answer', answer: 'Kingfisher' },
      reasoning: 'I know this bird.',
      wellFormed: true,
    });
  });

  it('reads an image search, which carries no query', () => {
    const t = parseTurn('<reason>Not sure what this is.</reason>\n<search><img></search>');
    expect(t.action).toEqual({ kind: 'image_search' });
    expect(t.wellFormed).toBe(true);
  });

  it('reads a text search query', () => {
    const t = parseTurn('<reason>Need the year.</reason><text_search>Eiffel tower completion year</text_search>');
    expect(t.action).toEqual({ kind: 'text_search', query: 'Eiffel tower completion year' });
    expect(t.wellFormed).toBe(true);
  });

  it('takes the last action when a turn has two, and marks the turn badly formed', () => {
    const t = parseTurn('<reason>x</reason><text_search>first</text_search><text_search>second</text_search>');
    expect(t.action).toEqual({ kind: 'text_search', query: 'second' });
    expect(t.wellFormed).toBe(false);
    const mixed = parseTurn('<reason>x</reason><answer>Paris</answer><search><img></search>');
    expect(mixed.action.kind).toBe('image_search');
    expect(mixed.wellFormed).toBe(false);
  });

  it('marks text after the action as badly formed', () => {
    expect(parseTurn('<reason>x</reason><answer>Paris</answer> and also Lyon').wellFormed).toBe(false);
  });

  it('marks a turn without reasoning, or with reasoning after the action, as badly formed', () => {
    expect(parseTurn('<answer>Paris</answer>').wellFormed).toBe(false);
    expect(parseTurn('<answer>Paris</answer><reason>x</reason>').wellFormed).toBe(false);
    expect(parseTurn('<reason>a</reason><reason>b</reason><answer>Paris</answer>').wellFormed).toBe(false);
    expect(parseTurn('<reason>a<answer>Paris</answer>').wellFormed).toBe(false);
  });

  it('treats an unclosed action tag as an invalid action', () => {
    const t = parseTurn('<reason>x</reason><answer>Paris');
    expect(t.action).toEqual({ kind: 'invalid', reason: 'unclosed action tag' });
    expect(parseTurn('<reason>x</reason><text_search>query without end').action.kind).toBe('invalid');
  });

  it('treats a turn with no action, or an empty query, as invalid', () => {
    expect(parseTurn('<reason>thinking only</reason>').action).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/no action/),
    });
    expect(parseTurn('<reason>x</reason><text_search>  </text_search>').action).toMatchObject({
      kind: 'invalid',
      reason: 'empty text search query',
    });
  });
});

describe('what happens after a turn', () => {
  const fresh = { turns: 1, imageSearches: 0, textSearches: 0, generatedTokens: 50 };

  it('ends on an answer or an invalid action', () => {
    expect(nextStep({ kind: 'answer', answer: 'x' }, fresh)).toEqual({ kind: 'end', reason: 'answered' });
    expect(nextStep({ kind: 'invalid', reason: 'r' }, fresh)).toEqual({ kind: 'end', reason: 'invalid_action' });
  });

  it('calls the tool a search asks for', () => {
    expect(nextStep({ kind: 'image_search' }, fresh)).toEqual({ kind: 'call_tool', tool: 'image_search' });
    expect(nextStep({ kind: 'text_search', query: 'q' }, fresh)).toEqual({
      kind: 'call_tool',
      tool: 'text_search',
      query: 'q',
    });
  });

  it('ends a search asked for past its limit', () => {
    expect(nextStep({ kind: 'image_search' }, { ...fresh, turns: 2, imageSearches: 1 })).toEqual({
      kind: 'end',
      reason: 'image_search_limit',
    });
    expect(nextStep({ kind: 'text_search', query: 'q' }, { ...fresh, turns: 2, textSearches: 2 })).toEqual({
      kind: 'end',
      reason: 'text_search_limit',
    });
  });

  it('ends a search asked for in the last turn', () => {
    expect(nextStep({ kind: 'text_search', query: 'q' }, { ...fresh, turns: DEFAULT_LIMITS.maxTurns })).toEqual({
      kind: 'end',
      reason: 'search_in_last_turn',
    });
  });

  it('ends when the total token budget is spent', () => {
    expect(nextStep({ kind: 'text_search', query: 'q' }, { ...fresh, generatedTokens: 8192 })).toEqual({
      kind: 'end',
      reason: 'token_limit',
    });
  });
});
