// reward.py, run by python3, against SearchLab's own evaluator on fixed trajectories.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileReward, DEFAULT_REWARD_SPEC, type RewardSpec } from '../../src/main/rl/reward/spec';
import { parseTurn } from '../../src/main/rl/protocol/actions';
import { rewardPython } from '../../src/main/verl/export/reward-python';
import { splitTurns } from '../../src/main/verl/turns';
import { tempHome, removeTempHomes } from '../helpers/home';
import { python } from './fixtures';

afterEach(removeTempHomes);

const IMAGE = '<reason>I do not recognise it.</reason><search><img></search>';
const injected = (tool: string) =>
  `<information>${tool}</information>\nQuestion: What is this?\n` +
  'Use the information if it helps. Think inside <reason> and </reason>, then answer inside <answer> and </answer>.';

interface Case {
  turns: string[];
  need: string | null;
}

const CASES: Case[] = [
  { turns: ['<reason>I know it.</reason><answer>The Eiffel Tower</answer>'], need: 'search_free' },
  { turns: [IMAGE, '<reason>The results name it.</reason><answer>Eiffel Tower</answer>'], need: 'image_search' },
  {
    turns: [
      IMAGE,
      '<reason>Need its height.</reason><text_search>tower paris height</text_search>',
      '<reason>Guess.</reason><answer>Tower of Paris</answer>',
    ],
    need: 'both',
  },
  { turns: ['I think <answer>Eiffel tower</answer>'], need: null },
  { turns: ['<reason>hmm</reason> no action at all'], need: 'unsure' },
  {
    turns: [
      '<reason>a</reason><text_search>what tower</text_search>',
      '<reason>b</reason><answer>It is the Eiffel Tower, in Paris!</answer>',
    ],
    need: 'text_search',
  },
  { turns: ['<reason>r</reason><answer>«La Tour Eiffel»</answer>'], need: 'search_free' },
  { turns: ['<reason>r</reason><answer>Eiffel Tower</answer> and more'], need: 'search_free' },
  { turns: ['<reason>r</reason><text_search></text_search>'], need: 'text_search' },
];

const GROUND_TRUTH = 'Eiffel Tower';
const CANDIDATES = ['La tour Eiffel', 'Tour Eiffel'];

const EDITED_PARTIAL: RewardSpec = {
  name: 'partial-credit',
  version: 1,
  expression: 'clip(0.6 * f1 + 0.4 * subem - cost * searches, -1, 1) + (format > 0 ? bonus : 0)',
  constants: { cost: 0.05, bonus: 0.1 },
  answerMatch: 'subem',
};

const EDITED_NEED: RewardSpec = {
  name: 'need-aware',
  version: 2,
  expression:
    'need == "search_free" && searched ? -0.5 : score ** 2 + round(f1 * 2) / 4 + (turns >= 3 ? -abs(penalty3) : 0) ' +
    '- (text_searches % 2) * 0.01 + max(em, subem) * (image_searches == 1 || !searched ? 1 : 0.5) ' +
    '+ sqrt(4) * exp(0) * log(1) - floor(0.7) + ceil(0.2) - 1',
  constants: { penalty3: 0.1 },
  answerMatch: 'em',
};

/** The decoded response veRL would hand over: model turns with the injected user turns between, chat markup stripped. */
function decoded(turns: string[]): string {
  return turns.map((t, i) => (i === 0 ? t : `\nuser\n${injected(`result ${i}`)}\nassistant\n${t}`)).join('');
}

function scoreInPython(spec: RewardSpec) {
  const dir = tempHome('searchlab-reward-');
  fs.writeFileSync(path.join(dir, 'reward.py'), rewardPython(spec));
  const input = CASES.map((c) => JSON.stringify(c)).join('\n');
  const script = `
import json, sys
import reward
def decoded(turns):
    return ${pythonDecoder()}
for line in sys.stdin:
    c = json.loads(line)
    total, penalty, v = reward.score_turns(c["turns"], ${JSON.stringify(GROUND_TRUTH)}, ${JSON.stringify(CANDIDATES)}, c["need"])
    as_method = reward.compute_score_for_method("mmsearch_r1/x", c["turns"], ${JSON.stringify([GROUND_TRUTH, ...CANDIDATES])}, {"search_need": c["need"]})
    extra = {"search_need": c["need"], "candidate_answers": ${JSON.stringify(JSON.stringify(CANDIDATES))}, "num_turns": 2 * len(c["turns"])}
    as_verl = reward.compute_score("mmsearch_r1/x", decoded(c["turns"]), ${JSON.stringify(GROUND_TRUTH)}, extra)
    print(json.dumps({"total": total, "penalty": penalty, "variables": v, "method": as_method, "verl": as_verl}))
`;
  return python(dir, script, input)
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          total: number;
          penalty: number;
          variables: Record<string, unknown>;
          method: number;
          verl: Record<string, number>;
        },
    );
}

/** decoded() in Python, so the single-string form is built on the Python side from the same turns. */
function pythonDecoder(): string {
  const info = (i: string) =>
    `"\\nuser\\n<information>result " + ${i} + "</information>\\nQuestion: What is this?\\n"` +
    ' + "Use the information if it helps. Think inside <reason> and </reason>, then answer inside <answer> and </answer>."' +
    ' + "\\nassistant\\n"';
  return `"".join(t if i == 0 else ${info('str(i)')} + t for i, t in enumerate(turns))`;
}

function scoreInSearchLab(spec: RewardSpec) {
  const reward = compileReward(spec);
  return CASES.map((c) => {
    const b = reward.score({
      turns: c.turns.map(parseTurn),
      generatedTokens: 0,
      groundTruth: GROUND_TRUTH,
      candidateAnswers: CANDIDATES,
      need: c.need,
    });
    const { tokens: _tokens, step: _step, ...variables } = b.variables;
    return { total: b.total, penalty: b.penalty, variables };
  });
}

describe('reward.py computes the run reward spec as SearchLab does', () => {
  for (const spec of [DEFAULT_REWARD_SPEC, EDITED_PARTIAL, EDITED_NEED]) {
    it(`gives the same rewards, penalties and variables as the evaluator for spec "${spec.name}", from turns and from one decoded string`, () => {
      const expected = scoreInSearchLab(spec);
      const actual = scoreInPython(spec);
      expect(new Set(expected.map((e) => e.total)).size).toBeGreaterThan(2);
      for (const [i, e] of expected.entries()) {
        expect({ case: i, total: actual[i].total, penalty: actual[i].penalty }).toEqual({
          case: i,
          total: e.total,
          penalty: e.penalty,
        });
        expect(actual[i].variables).toEqual({ ...e.variables, ...spec.constants });
        expect(actual[i].method).toBe(e.total);
        expect(actual[i].verl.score).toBe(e.total);
        expect(actual[i].verl.answer_score).toBe(Number(e.variables.score));
        expect(actual[i].verl.format).toBe(Number(e.variables.format));
      }
    });
  }

  it('splits a decoded response into the same turns in TypeScript and in Python', () => {
    const dir = tempHome('searchlab-reward-');
    fs.writeFileSync(path.join(dir, 'reward.py'), rewardPython(DEFAULT_REWARD_SPEC));
    const outputs = [
      ...CASES.map((c) => decoded(c.turns)),
      `${IMAGE}<|im_end|>\n<|im_start|>user\n${injected('r')}<|im_end|>\n<|im_start|>assistant\n<reason>x</reason><answer>y</answer><|im_end|>`,
    ];
    const fromPython = JSON.parse(
      python(
        dir,
        'import json, sys, reward\nprint(json.dumps([reward.split_turns(o) for o in json.load(sys.stdin)]))',
        JSON.stringify(outputs),
      ),
    ) as [string, string][][];
    const fromTs = outputs.map((o) => splitTurns(o).map((t) => [t.prompt, t.response]));
    expect(fromPython).toEqual(fromTs);
    expect(fromTs.slice(0, CASES.length).map((turns) => turns.map(([, r]) => r))).toEqual(CASES.map((c) => c.turns));
    expect(fromTs[1][1][0]).toBe(injected('result 1'));
    expect(fromTs.at(-1)).toEqual([
      ['', IMAGE],
      [injected('r'), '<reason>x</reason><answer>y</answer>'],
    ]);
  });

  it('refuses a spec that reads a variable the cluster cannot compute, naming it', () => {
    expect(() => rewardPython({ ...DEFAULT_REWARD_SPEC, name: 'short', expression: 'score - tokens / 10000' })).toThrow(
      /uses the variable "tokens", which reward.py cannot compute/,
    );
    expect(() => rewardPython({ ...DEFAULT_REWARD_SPEC, name: 'judged', expression: 'judge' })).toThrow(/"judge"/);
  });
});
