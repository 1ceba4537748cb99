// reward.py: the run's reward spec for the cluster, with SearchLab's evaluator's semantics. The Python below is a
// line-for-line port of rl/protocol/actions.ts (turn parsing), rl/reward/format.ts, rl/reward/answers.ts and
// trajectoryVariables in rl/reward/spec.ts; tests/verl run it with python3 against the TypeScript evaluator.
import { REWARD_VARIABLES, compileReward, type RewardSpec } from '../../rl';
import { parseExpression } from '../../rl';
import { expressionToPython } from './expression-to-python';
import { PYTHON_TURN_SPLITTER } from './turns-python';

/** Variables a compute_score call cannot know: no judge runs on the cluster, and veRL passes no token count or step. */
export const VARIABLES_PYTHON_CANNOT_COMPUTE: Record<string, string> = {
  judge: 'no LLM judge runs inside the cluster’s reward function',
  tokens: 'veRL does not pass the generated token count to compute_score',
  step: 'veRL does not pass the training step to compute_score',
};

/** Variables reward.py computes from the turns (trajectory_variables in the Python below). */
const PYTHON_COMPUTED = [
  'score',
  'em',
  'subem',
  'f1',
  'format',
  'searched',
  'searches',
  'image_searches',
  'text_searches',
  'turns',
  'need',
];
/** Variables with one value on the cluster: no judge score is ever recorded there. */
const PYTHON_FIXED: Record<string, string> = { has_judge: 'False' };

/** Refuses a spec the Python side cannot evaluate, naming the variable and why. */
export function checkSpecForPython(spec: RewardSpec): void {
  const compiled = compileReward(spec);
  for (const name of compiled.expression.variables) {
    const why = VARIABLES_PYTHON_CANNOT_COMPUTE[name];
    if (why)
      throw new Error(
        `The reward spec "${spec.name}" v${spec.version} uses the variable "${name}", which reward.py cannot compute: ` +
          `${why}. Edit the spec or train this run in SearchLab.`,
      );
    if (name in REWARD_VARIABLES && !PYTHON_COMPUTED.includes(name) && !(name in PYTHON_FIXED)) {
      throw new Error(
        `The reward spec "${spec.name}" v${spec.version} uses the variable "${name}", which reward.py does not know how to compute yet`,
      );
    }
  }
}

const RUNTIME = String.raw`
import json
import math
import numbers
import os
import re
import sys
import unicodedata

# ---- answers (rl/reward/answers.ts) ----

def normalize_answer(text):
    lowered = text.lower()
    no_punctuation = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in lowered)
    no_articles = re.sub(r"\b(a|an|the)\b", " ", no_punctuation, flags=re.ASCII)
    return re.sub(r"\s+", " ", no_articles).strip()


def gold_answers(ground_truth, candidates):
    seen = []
    for answer in [ground_truth] + list(candidates):
        normalized = normalize_answer(answer)
        if normalized and normalized not in seen:
            seen.append(normalized)
    return seen


def exact_match(prediction, gold):
    return 1 if normalize_answer(prediction) in gold else 0


def sub_exact_match(prediction, gold):
    padded = " " + normalize_answer(prediction) + " "
    return 1 if any((" " + g + " ") in padded for g in gold) else 0


def token_f1(prediction, gold):
    predicted = [t for t in normalize_answer(prediction).split(" ") if t]
    best = 0.0
    for g in gold:
        gold_tokens = [t for t in g.split(" ") if t]
        counts = {}
        for t in gold_tokens:
            counts[t] = counts.get(t, 0) + 1
        common = 0
        for t in predicted:
            if counts.get(t, 0) > 0:
                common += 1
                counts[t] -= 1
        if common == 0:
            continue
        precision = common / len(predicted)
        recall = common / len(gold_tokens)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best

# ---- one model turn (rl/protocol/actions.ts) ----

_IMAGE_SEARCH = re.compile(r"<search>\s*<img>\s*</search>")
_TEXT_SEARCH = re.compile(r"<text_search>([\s\S]*?)</text_search>")
_ANSWER = re.compile(r"<answer>([\s\S]*?)</answer>")
_REASON = re.compile(r"<reason>([\s\S]*?)</reason>")


def _find_all(pattern, text, kind):
    return [(m.start(), m.end(), kind, (m.group(1) if m.groups() else "").strip()) for m in pattern.finditer(text)]


def parse_turn(text):
    """Returns (action kind, argument, well formed)."""
    reasons = list(_REASON.finditer(text))
    actions = sorted(
        _find_all(_IMAGE_SEARCH, text, "image_search") + _find_all(_TEXT_SEARCH, text, "text_search") + _find_all(_ANSWER, text, "answer"),
        key=lambda a: a[0],
    )
    if not actions:
        unclosed = (
            text.count("<answer>") > text.count("</answer>")
            or text.count("<text_search>") > text.count("</text_search>")
            or text.count("<search>") > text.count("</search>")
        )
        return ("invalid", "unclosed action tag" if unclosed else "no action: the turn has neither a search nor an answer", False)
    start, end, kind, content = actions[-1]
    if kind == "text_search" and content == "":
        return ("invalid", "empty text search query", False)
    trailing = text[end:].strip()
    pairs = len(reasons)
    unbalanced = text.count("<reason>") != pairs or text.count("</reason>") != pairs
    reason_before_action = pairs > 0 and reasons[0].end() <= actions[0][0]
    well_formed = len(actions) == 1 and pairs == 1 and not unbalanced and reason_before_action and trailing == ""
    return (kind, content if kind != "image_search" else None, well_formed)

# ---- format (rl/reward/format.ts) ----

VALID_SHAPES = ["answer", "image_search>answer", "text_search>answer", "image_search>text_search>answer"]


def format_score(turns):
    if not turns or not all(t[2] for t in turns):
        return 0
    return 1 if ">".join(t[0] for t in turns) in VALID_SHAPES else 0

# ---- the evaluator's arithmetic (rl/reward/expression.ts) ----

class RewardExpressionError(Exception):
    pass


def _num(value):
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    raise RewardExpressionError('A text value ("%s") cannot be used as a number' % value)


def _truthy(value):
    if isinstance(value, str):
        return len(value) > 0
    return value is not False and value != 0  # NaN counts as true, as in the evaluator


def _eq(left, right):
    if isinstance(left, str) or isinstance(right, str):
        return type(left) is type(right) and left == right
    return _num(left) == _num(right)


def _var(v, name):
    if name not in v:
        raise RewardExpressionError('No value for variable "%s"' % name)
    return v[name]


def _add(a, b):
    return a + b


def _sub(a, b):
    return a - b


def _mul(a, b):
    try:
        return a * b
    except OverflowError:
        return math.inf if (a > 0) == (b > 0) else -math.inf


def _div(a, b):
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _mod(a, b):
    if b == 0 or math.isinf(a):
        return math.nan
    return math.fmod(a, b)


def _pow(a, b):
    try:
        result = math.pow(a, b)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.inf if a == 0 and b < 0 else math.nan
    return result


def _fn_min(*xs):
    return math.nan if any(math.isnan(x) for x in xs) else min(xs)


def _fn_max(*xs):
    return math.nan if any(math.isnan(x) for x in xs) else max(xs)


def _fn_abs(x):
    return abs(x)


def _fn_clip(x, lo, hi):
    return _fn_min(hi, _fn_max(lo, x))


def _fn_log(x):
    if x == 0:
        return -math.inf
    return math.log(x) if x > 0 else math.nan


def _fn_exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _fn_sqrt(x):
    return math.sqrt(x) if x >= 0 else math.nan


def _fn_floor(x):
    return float(math.floor(x)) if math.isfinite(x) else x


def _fn_ceil(x):
    return float(math.ceil(x)) if math.isfinite(x) else x


def _fn_round(x):
    # JavaScript's Math.round: halves go up, unlike Python's round().
    return float(math.floor(x + 0.5)) if math.isfinite(x) else x
`;

const ENTRY = String.raw`
# ---- the cluster's entry points ----

def _as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
            return [str(x) for x in parsed] if isinstance(parsed, list) else [value]
        except ValueError:
            return [value]
    return [str(x) for x in value]


def _gold(ground_truth, extra_info):
    # The method passes ground_truth as a list (the answer, then the candidate answers); upstream veRL passes the
    # answer alone, and the parquet's extra_info carries the candidates.
    if isinstance(ground_truth, str):
        return ground_truth, _as_list((extra_info or {}).get("candidate_answers"))
    answers = _as_list(ground_truth)
    return (answers[0] if answers else ""), answers[1:]


def trajectory_variables(turns, ground_truth, candidates, need):
    gold = gold_answers(ground_truth, candidates)
    last = turns[-1] if turns else None
    prediction = last[1] if last is not None and last[0] == "answer" else None
    em = 0 if prediction is None else exact_match(prediction, gold)
    subem = 0 if prediction is None else sub_exact_match(prediction, gold)
    image_searches = sum(1 for t in turns if t[0] == "image_search")
    text_searches = sum(1 for t in turns if t[0] == "text_search")
    return {
        "score": subem if ANSWER_MATCH == "subem" else em,
        "em": em,
        "subem": subem,
        "f1": 0 if prediction is None else token_f1(prediction, gold),
        "format": format_score(turns),
        "searched": image_searches + text_searches > 0,
        "searches": image_searches + text_searches,
        "image_searches": image_searches,
        "text_searches": text_searches,
        "turns": len(turns),
        "need": need or "unknown",
    }


def score_turns(turn_texts, ground_truth, candidates=(), need=None):
    """The spec's reward and variables for a trajectory given as its model turns' texts."""
    turns = [parse_turn(t) for t in turn_texts]
    v = dict(trajectory_variables(turns, ground_truth, candidates, need))
    v.update(FIXED_VARIABLES)
    v.update(CONSTANTS)
    total = _num(reward_expression(v))
    if not math.isfinite(total):
        raise RewardExpressionError("The reward is not a finite number (%s)" % total)
    without_search = _num(reward_expression(dict(v, searched=False, searches=0, image_searches=0, text_searches=0)))
    return total, without_search - total, v


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """veRL's reward function: the total as "score", and the spec's variables beside it so veRL logs them."""
    extra_info = extra_info or {}
    turn_texts = solution_str if isinstance(solution_str, (list, tuple)) else split_model_turns(solution_str)
    answer, candidates = _gold(ground_truth, extra_info)
    total, penalty, v = score_turns(turn_texts, answer, candidates, extra_info.get("search_need"))
    result = {"score": total, "search_penalty_paid": penalty}
    if isinstance(extra_info.get("index"), numbers.Number):
        # The dataset row, logged with the rollout so that "searchlab import-rollouts" finds the sample and its image.
        result["data_index"] = float(extra_info["index"])
    for name, value in v.items():
        if isinstance(value, str):
            continue  # veRL averages what it logs; the need label is text
        result["answer_score" if name == "score" else name] = float(value)
    return result


# ---- the rollout dump for the method's trainer ----
# The method's trainer writes no training rollouts (no trainer.rollout_data_dir) and val_result_{N}.json only with
# trainer.val_only=True. Its reward manager calls compute_score once per rollout, in the trainer's process, with
# the model's turns (not the injected search results), the answers and the parquet's extra_info: no prompt text
# and no step. So each scored rollout is appended here to SEARCHLAB_ROLLOUT_DUMP_DIR/{train,val}/{step}.jsonl in
# upstream veRL's layout, which "searchlab import-rollouts" reads; the step and whether it is validation are read
# from the trainer object on the call stack (its global_steps; its _validate method).

_INJECTED_PLACEHOLDER = "<information>(search results are not passed to the reward function)</information>"
_dump_warned = []


def _trainer_context():
    """(the trainer's global_steps or None, whether it is validating) from the frames that called the reward."""
    frame = sys._getframe(1)
    validating = False
    while frame is not None:
        if frame.f_code.co_name == "_validate":
            validating = True
        steps = getattr(frame.f_locals.get("self"), "global_steps", None)
        if isinstance(steps, numbers.Integral) and not isinstance(steps, bool):
            return int(steps), validating
        frame = frame.f_back
    return None, validating


def _json_value(value):
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Number):
        return float(value)
    return str(value)


def _dump_rollout(folder, data_source, turn_texts, ground_truth, extra_info, result):
    step, validating = _trainer_context()
    if step is None:
        step = int(os.environ.get("SEARCHLAB_ROLLOUT_STEP", "0"))
    question = extra_info.get("question")
    row = extra_info.get("index")
    record = {
        # The decoded prompt is not passed to compute_score: the dataset row and the question stand for it.
        "input": "%s row %s (%s)\nQuestion: %s\n"
        % (data_source, _json_value(row), extra_info.get("data_id"), question),
        "output": ("\n" + _INJECTED_PLACEHOLDER + "\nassistant\n").join(turn_texts),
        "gts": [_json_value(g) for g in ground_truth]
        if isinstance(ground_truth, (list, tuple))
        else _json_value(ground_truth),
        "score": result["score"],
        "step": step,
    }
    for name, value in result.items():
        if name != "score":
            record[name] = _json_value(value)
    for name in ("search_need", "data_id"):
        if isinstance(extra_info.get(name), str):
            record[name] = extra_info[name]
    where = os.path.join(folder, "val" if validating else "train")
    os.makedirs(where, exist_ok=True)
    with open(os.path.join(where, "%d.jsonl" % step), "a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def compute_score_for_method(data_source, solution_str, ground_truth, extra_info=None):
    """The method's reward manager writes the returned value into a tensor: the total alone. Each scored rollout is
    appended to the dump when SEARCHLAB_ROLLOUT_DUMP_DIR is set (run.sh sets it)."""
    extra_info = extra_info or {}
    turn_texts = list(solution_str) if isinstance(solution_str, (list, tuple)) else split_model_turns(solution_str)
    result = compute_score(data_source, turn_texts, ground_truth, extra_info)
    folder = os.environ.get("SEARCHLAB_ROLLOUT_DUMP_DIR")
    if folder:
        try:
            _dump_rollout(folder, data_source, turn_texts, ground_truth, extra_info, result)
        except (OSError, ValueError, TypeError) as error:
            if not _dump_warned:
                _dump_warned.append(True)
                print("[searchlab reward.py] cannot write the rollout dump: %s" % error, file=sys.stderr)
    return result["score"]


if __name__ == "__main__":
    # Scores JSON lines from stdin: {"turns": [...] or "output": "...", "ground_truth", "candidates", "need"}.
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        turns = item["turns"] if "turns" in item else split_model_turns(item["output"])
        total, penalty, v = score_turns(turns, item["ground_truth"], item.get("candidates", []), item.get("need"))
        print(json.dumps({"total": total, "penalty": penalty, "variables": v}))
`;

/** The whole reward.py for a spec (checked first: a spec Python cannot evaluate is refused before anything is written). */
export function rewardPython(spec: RewardSpec): string {
  checkSpecForPython(spec);
  const known = [...Object.keys(REWARD_VARIABLES), ...Object.keys(spec.constants)];
  const expression = expressionToPython(parseExpression(spec.expression, known));
  const constants = Object.entries(spec.constants)
    .map(([name, value]) => `    ${JSON.stringify(name)}: ${Number.isInteger(value) ? `${value}.0` : value},`)
    .join('\n');
  return [
    `# The reward of SearchLab's spec "${spec.name}" v${spec.version}, exported for veRL / MMSearch-R1.`,
    `# reward = ${spec.expression}`,
    '# Written by `searchlab export-verl`; edit the spec in SearchLab and export again rather than editing this file.',
    RUNTIME,
    PYTHON_TURN_SPLITTER,
    '# ---- the spec ----',
    '',
    `ANSWER_MATCH = ${JSON.stringify(spec.answerMatch)}`,
    `FIXED_VARIABLES = {${Object.entries(PYTHON_FIXED)
      .filter(([name]) => name in REWARD_VARIABLES)
      .map(([name, value]) => `${JSON.stringify(name)}: ${value}`)
      .join(', ')}}`,
    'CONSTANTS = {',
    constants,
    '}',
    '',
    '',
    'def reward_expression(v):',
    `    return ${expression}`,
    '',
    ENTRY,
  ].join('\n');
}
