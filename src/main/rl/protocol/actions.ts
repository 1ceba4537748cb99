// Reading the model's turn: the protocol's tags (DESIGN.md, "Tag protocol of a rollout").
// A well-formed turn is one <reason>…</reason> followed by exactly one action, and nothing after the action.

export type Action =
  | { kind: 'answer'; answer: string }
  | { kind: 'image_search' }
  | { kind: 'text_search'; query: string }
  | { kind: 'invalid'; reason: string };

export interface ParsedTurn {
  action: Action;
  /** The text inside <reason>…</reason> (the first pair), '' if none. */
  reasoning: string;
  /** Whether the turn has exactly one <reason> pair and exactly one action, nothing trailing. */
  wellFormed: boolean;
}

/** What an action carries, as stored beside its kind: the answer, the text query, or why it is invalid. */
export function actionArgument(action: Action): string | null {
  return action.kind === 'answer'
    ? action.answer
    : action.kind === 'text_search'
      ? action.query
      : action.kind === 'invalid'
        ? action.reason
        : null;
}

/** Closing tags at which generation of a turn stops: whichever the model emits first ends its turn. */
export const STOP_STRINGS = ['</search>', '</text_search>', '</answer>'] as const;

const IMAGE_SEARCH = /<search>\s*<img>\s*<\/search>/g;
const TEXT_SEARCH = /<text_search>([\s\S]*?)<\/text_search>/g;
const ANSWER = /<answer>([\s\S]*?)<\/answer>/g;
const REASON = /<reason>([\s\S]*?)<\/reason>/g;

interface Found {
  kind: 'answer' | 'image_search' | 'text_search';
  start: number;
  end: number;
  content: string;
}

function findAll(pattern: RegExp, text: string, kind: Found['kind']): Found[] {
  return [...text.matchAll(pattern)].map((m) => ({
    kind,
    start: m.index!,
    end: m.index! + m[0].length,
    content: (m[1] ?? '').trim(),
  }));
}

function count(text: string, tag: string): number {
  return text.split(tag).length - 1;
}

export function parseTurn(text: string): ParsedTurn {
  const reasons = [...text.matchAll(REASON)];
  const reasoning = reasons[0]?.[1]?.trim() ?? '';
  const actions = [
    ...findAll(IMAGE_SEARCH, text, 'image_search'),
    ...findAll(TEXT_SEARCH, text, 'text_search'),
    ...findAll(ANSWER, text, 'answer'),
  ].sort((a, b) => a.start - b.start);
  const invalid = (reason: string): ParsedTurn => ({
    action: { kind: 'invalid', reason },
    reasoning,
    wellFormed: false,
  });

  if (actions.length === 0) {
    if (
      count(text, '<answer>') > count(text, '</answer>') ||
      count(text, '<text_search>') > count(text, '</text_search>') ||
      count(text, '<search>') > count(text, '</search>')
    ) {
      return invalid('unclosed action tag');
    }
    return invalid('no action: the turn has neither a search nor an answer');
  }
  // The action is the last one in the turn (the rollout stops at its closing tag); the text search query is
  // the last such match, as in the method's code.
  const last = actions[actions.length - 1];
  const action: Action =
    last.kind === 'answer'
      ? { kind: 'answer', answer: last.content }
      : last.kind === 'text_search'
        ? { kind: 'text_search', query: last.content }
        : { kind: 'image_search' };
  if (action.kind === 'text_search' && action.query === '') return invalid('empty text search query');

  const trailing = text.slice(last.end).trim();
  const reasonPairs = reasons.length;
  const unbalancedReason = count(text, '<reason>') !== reasonPairs || count(text, '</reason>') !== reasonPairs;
  const reasonBeforeAction = reasons.length > 0 && reasons[0].index! + reasons[0][0].length <= actions[0].start;
  const wellFormed =
    actions.length === 1 && reasonPairs === 1 && !unbalancedReason && reasonBeforeAction && trailing === '';
  return { action, reasoning, wellFormed };
}
