// Where a stored conversation shows the policy deciding: in each assistant turn, the action tag right after the
// turn's first `</reason>` (whitespace between is skipped), as the engine's decision points are. Tags are read from
// the decoded text, so a tokenizer that splits `<search>` into several tokens (a published model's) shows the same
// decisions as one with single-token tags (the tiny VLM's). A tag the model wrote later in the turn is text, and a
// forced tag (outside the loss mask) is no decision. Pure, so it is tested without a window.
import type { TrajectoryDetail } from '../../../shared/contract';

const DECISIONS: Record<string, string> = {
  '<search>': 'image search',
  '<text_search>': 'text search',
  '<answer>': 'answer',
};
const TAGS = Object.keys(DECISIONS);
const LONGEST_TAG = Math.max(...TAGS.map((t) => t.length));

export interface DecisionMarker {
  /** The token where the tag starts. */
  index: number;
  choice: string;
  /**
   * How sure the policy was of the choice it made: the probability of the tokens that spell the tag's name (its
   * closing `>` may merge with what follows, as in `><img>`, so it is left out when the tag takes several tokens).
   */
  p: number;
}

export function decisionPoints(detail: TrajectoryDetail): DecisionMarker[] {
  const { texts, lossMask, logprobs } = detail.tokens;
  if (!texts) return [];
  const out: DecisionMarker[] = [];
  let turn: string | null = null; // the assistant turn's text so far, until its first `</reason>`
  let awaiting = false; // the reason is closed: the next non-blank token opens the decision
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (t === '<|im_end|>' || t === '<|im_start|>') {
      turn = t === '<|im_start|>' ? '' : null;
      awaiting = false;
      continue;
    }
    if (turn !== null && !awaiting) {
      turn += t;
      if (!turn.startsWith('assistant') && turn.length >= 'assistant'.length) turn = null;
      else if (turn.includes('</reason>')) awaiting = true;
      continue;
    }
    if (!awaiting || t.trim() === '') continue;
    awaiting = false;
    turn = null;
    let ahead = '';
    for (let k = i; k < texts.length && ahead.length < LONGEST_TAG && texts[k] !== '<|im_end|>'; k++) ahead += texts[k];
    const tag = TAGS.find((candidate) => ahead.trimStart().startsWith(candidate));
    if (!tag || !lossMask[i]) continue;
    const spelled = t.length >= tag.length ? tag.length : tag.length - 1;
    let text = '';
    let logprob = 0;
    for (let k = i; text.trimStart().length < spelled && k < texts.length; k++) {
      text += texts[k];
      logprob += logprobs[k];
    }
    out.push({ index: i, choice: DECISIONS[tag], p: Math.exp(logprob) });
  }
  return out;
}
