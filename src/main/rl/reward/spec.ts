// Reward specs: a versioned expression over named variables plus its constants. The default is the method's:
// reward = (1 − α)·score·(1 − penalty if the answer is correct and any search happened) + α·format.
import { z } from 'zod';
import { compileExpression, parseExpression, type CompiledExpression, type Value } from './expression';
import { checkDomains, type VariableDomain } from './domain';
import { exactMatch, goldAnswers, subExactMatch, tokenF1 } from './answers';
import { formatScore } from './format';
import type { ParsedTurn } from '../protocol/actions';

export const RewardSpec = z.object({
  name: z.string().min(1).max(100),
  version: z.number().int().min(1),
  expression: z.string().min(1).max(4000),
  constants: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.number()),
  /** Which answer match feeds `score`: exact match after normalisation, or SubEM. */
  answerMatch: z.enum(['em', 'subem']).default('em'),
});
export type RewardSpec = z.infer<typeof RewardSpec>;

export const DEFAULT_REWARD_SPEC: RewardSpec = {
  name: 'mmsearch-r1',
  version: 1,
  expression: '(1 - alpha) * score * (searched && score > 0 ? 1 - search_penalty : 1) + alpha * format',
  constants: { alpha: 0.1, search_penalty: 0.1 },
  answerMatch: 'em',
};

/** Every variable a spec may read, with what it means (shown by the reward editor's completion). */
export const REWARD_VARIABLES: Record<string, string> = {
  score: 'answer score used for the reward: em or subem, as the spec chooses (0 or 1)',
  em: 'exact match after normalisation against the ground truth and candidate answers (0 or 1)',
  subem: 'a gold answer is contained in the prediction (0 or 1)',
  f1: 'token F1 against the best gold answer (0 to 1)',
  judge: "an LLM judge's score (0 to 1), only where one was recorded: read it under has_judge ? … : …",
  has_judge: 'true when an LLM judge score was recorded for the trajectory',
  format: '1 when every turn is well formed and the action sequence is a valid shape, else 0',
  searched: 'true when at least one search happened',
  searches: 'number of searches (image + text)',
  image_searches: 'number of image searches',
  text_searches: 'number of text searches',
  turns: 'number of model turns',
  tokens: 'generated tokens over all turns',
  need: "the sample's search-need label: search_free, image_search, text_search, both, unsure or unknown",
  step: 'the training step (for warm-up schedules)',
};

/** What each variable can hold, for the check before a spec is saved or run (see domain.ts). */
const count = (hi: number): VariableDomain => ({ type: 'number', lo: 0, hi, integer: true });
const unit: VariableDomain = { type: 'number', lo: 0, hi: 1 };
export const REWARD_VARIABLE_DOMAINS: Record<string, VariableDomain> = {
  score: unit,
  em: unit,
  subem: unit,
  f1: unit,
  judge: { ...unit, presentWhen: 'has_judge' },
  has_judge: { type: 'boolean', lo: 0, hi: 1 },
  format: unit,
  searched: {
    type: 'boolean',
    lo: 0,
    hi: 1,
    tells: { variable: 'searches', whenTrue: [1, Infinity], whenFalse: [0, 0] },
  },
  // Counts are bounded by the rollout limits; these bounds are far above any limit a run can set.
  searches: count(1000),
  image_searches: count(1000),
  text_searches: count(1000),
  // A trajectory has at least the turn that ended it.
  turns: { type: 'number', lo: 1, hi: 1000, integer: true },
  tokens: count(10_000_000),
  need: { type: 'string', lo: 0, hi: 0 },
  step: count(1_000_000_000),
};

export interface TrajectoryFacts {
  turns: readonly ParsedTurn[];
  generatedTokens: number;
  groundTruth: string;
  candidateAnswers?: readonly string[];
  need?: string | null;
  judge?: number | null;
  step?: number;
}

export interface RewardBreakdown {
  total: number;
  score: number;
  format: number;
  /** How much the searches cost this trajectory: the reward it would have had without them, minus its reward. */
  penalty: number;
  variables: Record<string, Value>;
}

export function trajectoryVariables(
  facts: TrajectoryFacts,
  answerMatch: RewardSpec['answerMatch'],
): Record<string, Value> {
  const gold = goldAnswers(facts.groundTruth, facts.candidateAnswers);
  const last = facts.turns[facts.turns.length - 1];
  const prediction = last?.action.kind === 'answer' ? last.action.answer : null;
  const em = prediction === null ? 0 : exactMatch(prediction, gold);
  const subem = prediction === null ? 0 : subExactMatch(prediction, gold);
  const imageSearches = facts.turns.filter((t) => t.action.kind === 'image_search').length;
  const textSearches = facts.turns.filter((t) => t.action.kind === 'text_search').length;
  const vars: Record<string, Value> = {
    score: answerMatch === 'subem' ? subem : em,
    em,
    subem,
    f1: prediction === null ? 0 : tokenF1(prediction, gold),
    format: formatScore(facts.turns),
    searched: imageSearches + textSearches > 0,
    searches: imageSearches + textSearches,
    image_searches: imageSearches,
    text_searches: textSearches,
    turns: facts.turns.length,
    tokens: facts.generatedTokens,
    need: facts.need ?? 'unknown',
    step: facts.step ?? 0,
  };
  vars.has_judge = facts.judge !== undefined && facts.judge !== null;
  if (vars.has_judge) vars.judge = facts.judge!;
  return vars;
}

export interface CompiledReward {
  spec: RewardSpec;
  expression: CompiledExpression;
  score(facts: TrajectoryFacts): RewardBreakdown;
}

/** Validates and compiles a spec; unknown variables, bad syntax, name clashes and values outside a part's domain are refused here. */
export function compileReward(input: unknown): CompiledReward {
  const spec = RewardSpec.parse(input);
  const clash = Object.keys(spec.constants).find((name) => name in REWARD_VARIABLES);
  if (clash) throw new Error(`The constant "${clash}" has the name of a variable; rename it`);
  const names = [...Object.keys(REWARD_VARIABLES), ...Object.keys(spec.constants)];
  const expression = compileExpression(spec.expression, names);
  const domains = new Map(Object.entries(REWARD_VARIABLE_DOMAINS));
  for (const [name, value] of Object.entries(spec.constants))
    domains.set(name, { type: 'number', lo: value, hi: value });
  checkDomains(parseExpression(spec.expression, names), domains);
  return {
    spec,
    expression,
    score(facts) {
      const vars = { ...trajectoryVariables(facts, spec.answerMatch), ...spec.constants };
      const total = expression.evaluate(vars);
      const withoutSearch = expression.evaluate({
        ...vars,
        searched: false,
        searches: 0,
        image_searches: 0,
        text_searches: 0,
      });
      return {
        total,
        score: Number(vars.score),
        format: Number(vars.format),
        penalty: withoutSearch - total,
        variables: vars,
      };
    },
  };
}
