import { tinyModelGradCase } from '../tiny/gradcheck';
import { compositeCases, primitiveCases } from './cases';
import type { GradCheckCase } from './check';

/** Every gradient check: each primitive, each composite, and the whole tiny VLM. */
export function allGradCheckCases(): GradCheckCase[] {
  return [...primitiveCases, ...compositeCases, tinyModelGradCase()];
}
