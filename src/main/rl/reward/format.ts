// The format score: 1 when every turn is well formed and the sequence of actions is one of the valid shapes
// (answer; image-search → answer; text-search → answer; image-search → text-search → answer), else 0.
import type { ParsedTurn } from '../protocol/actions';

const VALID_SHAPES = ['answer', 'image_search>answer', 'text_search>answer', 'image_search>text_search>answer'];

export function actionShape(turns: readonly ParsedTurn[]): string {
  return turns.map((t) => t.action.kind).join('>');
}

export function formatScore(turns: readonly ParsedTurn[], validShapes: readonly string[] = VALID_SHAPES): number {
  if (turns.length === 0) return 0;
  if (!turns.every((t) => t.wellFormed)) return 0;
  return validShapes.includes(actionShape(turns)) ? 1 : 0;
}
