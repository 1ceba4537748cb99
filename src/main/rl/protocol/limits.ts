// The rollout's limits (defaults from the method's public recipe) and the decision after each turn.
import type { Action } from './actions';

export interface RolloutLimits {
  maxTurns: number;
  maxImageSearches: number;
  maxTextSearches: number;
  maxTokensPerTurn: number;
  maxTotalTokens: number;
  maxPromptTokens: number;
}

export const DEFAULT_LIMITS: RolloutLimits = {
  maxTurns: 3,
  maxImageSearches: 1,
  maxTextSearches: 2,
  maxTokensPerTurn: 2048,
  maxTotalTokens: 8192,
  maxPromptTokens: 4096,
};

export interface RolloutCounters {
  /** Model turns completed, including the one just parsed. */
  turns: number;
  imageSearches: number;
  textSearches: number;
  /** Tokens generated so far, over all turns. */
  generatedTokens: number;
}

export type NextStep =
  | { kind: 'call_tool'; tool: 'image_search' | 'text_search'; query?: string }
  | {
      kind: 'end';
      reason:
        | 'answered'
        | 'invalid_action'
        | 'turn_limit'
        | 'image_search_limit'
        | 'text_search_limit'
        | 'token_limit'
        | 'search_in_last_turn';
    };

/** After a turn: call the tool it asked for, or end the trajectory (with why). */
export function nextStep(action: Action, counters: RolloutCounters, limits: RolloutLimits = DEFAULT_LIMITS): NextStep {
  if (action.kind === 'answer') return { kind: 'end', reason: 'answered' };
  if (action.kind === 'invalid') return { kind: 'end', reason: 'invalid_action' };
  // A search in the last allowed turn could never be followed by an answer.
  if (counters.turns >= limits.maxTurns) return { kind: 'end', reason: 'search_in_last_turn' };
  if (counters.generatedTokens >= limits.maxTotalTokens) return { kind: 'end', reason: 'token_limit' };
  if (action.kind === 'image_search') {
    if (counters.imageSearches >= limits.maxImageSearches) return { kind: 'end', reason: 'image_search_limit' };
    return { kind: 'call_tool', tool: 'image_search' };
  }
  if (counters.textSearches >= limits.maxTextSearches) return { kind: 'end', reason: 'text_search_limit' };
  return { kind: 'call_tool', tool: 'text_search', query: action.query };
}
