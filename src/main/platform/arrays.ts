// Reductions and appends over arrays of any length. Spreading an array into a call's arguments
// (`Math.max(...xs)`, `out.push(...xs)`) puts every element on the stack and throws "Maximum call stack size
// exceeded" somewhere past ~100,000 elements: a run's trajectories or a tokenizer's vocabulary get there.

/** The largest value, or `floor` when it is larger or there are none. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** The smallest value, or `ceiling` when it is smaller or there are none. */
export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let min = ceiling;
  for (const v of values) if (v < min) min = v;
  return min;
}

/** Appends every item to `target` in place (what `target.push(...items)` does, at any length); returns `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
