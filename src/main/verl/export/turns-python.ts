// The Python twin of verl/turns.ts (splitTurns), for reward.py: upstream veRL hands compute_score the decoded
// response as one string. Keep the two in step; tests/verl compare them.
export const PYTHON_TURN_SPLITTER = String.raw`
# ---- one decoded response into model turns (verl/turns.ts) ----

_STOPS = ["</search>", "</text_search>", "</answer>"]
_ASSISTANT_MARKERS = ["<|im_start|>assistant\n", "\nassistant\n"]


def _first_stop(text):
    ends = [text.find(s) + len(s) for s in _STOPS if text.find(s) >= 0]
    return min(ends) if ends else -1


def _next_model_turn(text, start):
    info_end = text.find("</information>", start)
    search_from = info_end if info_end >= 0 else start
    ends = [text.find(m, search_from) + len(m) for m in _ASSISTANT_MARKERS if text.find(m, search_from) >= 0]
    return min(ends) if ends else -1


def _clean_injected(text):
    text = re.sub(r"<\|im_end\|>|<\|im_start\|>", "", text).strip()
    text = re.sub(r"^user\s*\n", "", text)
    text = re.sub(r"\n?assistant$", "", text)
    return text.strip()


def split_turns(output):
    """[(injected prompt before the turn, model turn)] of a decoded response."""
    turns = []
    prompt = ""
    rest = output
    while rest.strip() != "":
        end = _first_stop(rest)
        if end < 0:
            turns.append((prompt, rest))
            break
        response = rest[:end]
        rest = rest[end:]
        info = rest.find("<information>")
        if info < 0:
            turns.append((prompt, response + re.sub(r"<\|im_end\|>|<\|endoftext\|>", "", rest).rstrip()))
            break
        turns.append((prompt, response))
        following = _next_model_turn(rest, info)
        prompt = _clean_injected(rest if following < 0 else rest[:following])
        if following < 0:
            break
        rest = rest[following:]
    return turns


def split_model_turns(output):
    return [response for _, response in split_turns(output)]
`;
