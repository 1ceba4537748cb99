import { describe, expect, it } from 'vitest';
import { parseTurn } from '../../src/main/rl/protocol/actions';
import { compileReward, DEFAULT_REWARD_SPEC } from '../../src/main/rl/reward/spec';
import { normalizeAnswer, exactMatch, subExactMatch, tokenF1, goldAnswers } from '../../src/main/rl/reward/answers';
import { compileExpression, ExpressionError } from '../../src/main/rl/reward/expression';

const reward = compileReward(DEFAULT_REWARD_SPEC);
const turns = (...texts: string[]) => texts.map(parseTurn);
const score = (texts: string[], groundTruth = 'Mount Fuji') =>
  reward.score({ turns: turns(...texts), generatedTokens: 40, groundTruth, candidateAnswers: ['Fujiyama'] });

const search = '<reason>I should look.</reason><search><img></search>';
const textSearch = '<reason>Need facts.</reason><text_search>tallest mountain japan</text_search>';
const right = '<reason>It is Fuji.</reason><answer>the Mount Fuji!</answer>';
const wrong = '<reason>Guess.</reason><answer>Mont Blanc</answer>';

describe('answer matching', () => {
  it('normalises case, punctuation, articles and whitespace', () => {
    expect(normalizeAnswer('  The  Eiffel-Tower, Paris! ')).toBe('eiffel tower paris');
    expect(exactMatch('an Apple.', goldAnswers('apple'))).toBe(1);
    expect(exactMatch('apples', goldAnswers('apple'))).toBe(0);
  });

  it('accepts a candidate answer as well as the ground truth', () => {
    expect(exactMatch('fujiyama', goldAnswers('Mount Fuji', ['Fujiyama']))).toBe(1);
  });

  it('SubEM finds the gold answer inside a longer prediction, on word boundaries', () => {
    expect(subExactMatch('It is Mount Fuji in Japan', goldAnswers('Mount Fuji'))).toBe(1);
    expect(subExactMatch('Mount Fujiyama', goldAnswers('Fuji'))).toBe(0);
  });

  it('token F1 gives partial credit', () => {
    expect(tokenF1('Mount Fuji Japan', goldAnswers('Mount Fuji'))).toBeCloseTo(0.8, 6);
  });
});

describe('the default reward (α = 0.1, search penalty 0.1)', () => {
  it('pays 1.0 for a correct, well-formed answer without search', () => {
    const r = score([right]);
    expect(r.total).toBeCloseTo(1.0, 10);
    expect(r).toMatchObject({ score: 1, format: 1 });
    expect(r.penalty).toBeCloseTo(0, 10);
  });

  it('pays 0.91 for a correct answer after an image search', () => {
    const r = score([search, right]);
    expect(r.total).toBeCloseTo(0.91, 10);
    expect(r.penalty).toBeCloseTo(0.09, 10);
  });

  it('pays 0.91 after image search then text search', () => {
    expect(score([search, textSearch, right]).total).toBeCloseTo(0.91, 10);
  });

  it('pays 0.1 for a wrong but well-formed answer, searched or not', () => {
    expect(score([wrong]).total).toBeCloseTo(0.1, 10);
    expect(score([textSearch, wrong]).total).toBeCloseTo(0.1, 10);
    expect(score([textSearch, wrong]).penalty).toBeCloseTo(0, 10);
  });

  it('pays 0.9 for a correct answer in a badly formed turn, and 0.81 if it also searched', () => {
    const noReason = '<answer>Mount Fuji</answer>';
    expect(score([noReason]).total).toBeCloseTo(0.9, 10);
    expect(score([search, noReason]).total).toBeCloseTo(0.81, 10);
  });

  it('pays 0 for a wrong answer in a badly formed turn', () => {
    expect(score(['<answer>Mont Blanc</answer> extra']).total).toBeCloseTo(0, 10);
  });

  it('gives format 0 to an invalid action shape (text search before image search)', () => {
    expect(score([textSearch, search, right]).format).toBe(0);
  });

  it('gives nothing to a trajectory that never answered', () => {
    expect(score([search]).total).toBeCloseTo(0, 10);
  });
});

describe('reward specs', () => {
  it('re-scores the same trajectory under an edited spec', () => {
    const noPenalty = compileReward({
      ...DEFAULT_REWARD_SPEC,
      version: 2,
      constants: { alpha: 0.1, search_penalty: 0 },
    });
    expect(
      noPenalty.score({ turns: turns(search, right), generatedTokens: 10, groundTruth: 'Mount Fuji' }).total,
    ).toBeCloseTo(1.0, 10);
    const perSearch = compileReward({
      ...DEFAULT_REWARD_SPEC,
      version: 3,
      expression: 'score - cost * searches',
      constants: { cost: 0.05 },
    });
    expect(
      perSearch.score({ turns: turns(search, textSearch, right), generatedTokens: 10, groundTruth: 'Mount Fuji' })
        .total,
    ).toBeCloseTo(0.9, 10);
  });

  it('can depend on the sample label and the training step', () => {
    const labelled = compileReward({
      ...DEFAULT_REWARD_SPEC,
      expression: 'need == "search_free" && searched ? score - 0.5 : score * min(1, step / warmup)',
      constants: { warmup: 10 },
    });
    expect(
      labelled.score({
        turns: turns(search, right),
        generatedTokens: 1,
        groundTruth: 'Mount Fuji',
        need: 'search_free',
      }).total,
    ).toBeCloseTo(0.5, 10);
    expect(
      labelled.score({ turns: turns(right), generatedTokens: 1, groundTruth: 'Mount Fuji', step: 5 }).total,
    ).toBeCloseTo(0.5, 10);
  });

  it('refuses an unknown variable, suggesting the closest name', () => {
    expect(() => compileReward({ ...DEFAULT_REWARD_SPEC, expression: '(1 - alpha) * scor' })).toThrow(
      /Unknown variable "scor"; did you mean "score"\? \(at character 15\)/,
    );
  });

  it('refuses syntax errors with their position', () => {
    expect(() => compileExpression('score * (1 - ', ['score'])).toThrow(ExpressionError);
    expect(() => compileExpression('score ** ', ['score'])).toThrow(/ended too early/);
    expect(() => compileExpression('score; process.exit()', ['score'])).toThrow(/Unexpected character ";"/);
  });

  it('cannot reach JavaScript: no property access, no calls but its own functions', () => {
    expect(() => compileExpression('constructor("x")', ['score'])).toThrow(/Unknown function "constructor"/);
    expect(() => compileExpression('score.constructor', ['score'])).toThrow(/Unexpected character "\."/);
  });

  it('bounds the work an expression can ask for', () => {
    expect(() => compileExpression('score + '.repeat(600) + 'score', ['score'])).toThrow(/longer than|more than/);
    expect(() => compileExpression('('.repeat(100) + 'score' + ')'.repeat(100), ['score'])).toThrow(
      /nested too deeply/,
    );
  });

  it('refuses a judge score read where none may be recorded, and reads it under has_judge', () => {
    expect(() => compileReward({ ...DEFAULT_REWARD_SPEC, expression: 'judge' })).toThrow(
      /"judge" has a value only where has_judge is true/,
    );
    const judged = compileReward({ ...DEFAULT_REWARD_SPEC, expression: 'has_judge ? judge : score', constants: {} });
    expect(judged.score({ turns: turns(right), generatedTokens: 1, groundTruth: 'x' }).total).toBe(0);
    expect(judged.score({ turns: turns(right), generatedTokens: 1, groundTruth: 'x', judge: 0.75 }).total).toBe(0.75);
  });
});
