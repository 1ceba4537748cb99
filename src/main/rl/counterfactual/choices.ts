// Decision points of a trajectory and the choices a replay may force there. A decision point is a model turn whose
// action was a search or an answer; the other choice is a search where it answered (image search while its budget
// allows, otherwise a text search), or the answer where it searched.
import type { DecisionAction } from '../../../shared/contract';
import { DEFAULT_BASELINE_WORDING } from '../eval/evaluate';
import type { RolloutLimits } from '../protocol/limits';
import type { TurnPrefix } from '../rollout/engine';

const ACTIONS: readonly string[] = ['answer', 'image_search', 'text_search'];
export const isDecisionAction = (action: string | null): action is DecisionAction =>
  action !== null && ACTIONS.includes(action);

export interface Choices {
  action: DecisionAction;
  alternatives: DecisionAction[];
  /** The other choice (null when the budget leaves none). */
  defaultForce: DecisionAction | null;
}

/** The choices at turn `turn`, given the actions of the turns before it and the run's limits; null if it is no decision point. */
export function choicesAt(actions: readonly (string | null)[], turn: number, limits: RolloutLimits): Choices | null {
  const action = actions[turn] ?? null;
  if (!isDecisionAction(action) || turn >= limits.maxTurns) return null;
  const before = actions.slice(0, turn);
  const imageLeft = before.filter((a) => a === 'image_search').length < limits.maxImageSearches;
  const textLeft = before.filter((a) => a === 'text_search').length < limits.maxTextSearches;
  const possible: DecisionAction[] = [
    'answer',
    ...(imageLeft ? (['image_search'] as const) : []),
    ...(textLeft ? (['text_search'] as const) : []),
  ];
  const alternatives = possible.filter((a) => a !== action);
  const defaultForce = action === 'answer' ? (imageLeft ? 'image_search' : textLeft ? 'text_search' : null) : 'answer';
  return { action, alternatives, defaultForce };
}

/**
 * The forced turn: the original reasoning (or a neutral sentence where there was none), then the forced action's
 * opening. An image search is the whole turn; a text search's query and an answer are the model's to write, and
 * closed for it if it does not.
 */
export function forcedTurn(reasoning: string | null, force: DecisionAction): TurnPrefix {
  const fallback =
    force === 'answer'
      ? DEFAULT_BASELINE_WORDING.answerAfterSearch
      : force === 'image_search'
        ? DEFAULT_BASELINE_WORDING.imageSearch
        : DEFAULT_BASELINE_WORDING.textSearch;
  const reason = reasoning ? `<reason>${reasoning}</reason>` : fallback;
  if (force === 'image_search') return { text: `${reason}<search><img></search>` };
  if (force === 'text_search') return { text: `${reason}<text_search>`, close: '</text_search>' };
  return { text: `${reason}<answer>`, close: '</answer>' };
}
