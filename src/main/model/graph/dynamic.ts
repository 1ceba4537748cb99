// Open dimensions. The engine's shapes are concrete numbers, so a graph that must run at any batch, length or patch
// count is built at stand-in sizes: primes no real dimension is a multiple of. Every size derived from one (G·T,
// P / 4) stays a multiple of its prime, so the emitter (onnx/emit.ts, `dynamic`) can tell which dimensions are open:
// it names them in the graph's inputs and outputs, lets a reshape copy or infer them, and refuses any other constant
// that would bake one in.

const PRIMES = { batch: 10007, tokens: 10009, past: 10037, merged: 10039, picked: 10061 } as const;

/** Stand-in sizes for a graph's open dimensions (patches: a multiple of the merge unit, so merged rows stay whole). */
export const OPEN = {
  batch: PRIMES.batch,
  tokens: PRIMES.tokens,
  past: PRIMES.past,
  picked: PRIMES.picked,
  patches: (mergeUnit: number) => PRIMES.merged * mergeUnit,
} as const;

const NAMES: [number, string][] = [
  [PRIMES.batch, 'batch'],
  [PRIMES.tokens, 'tokens'],
  [PRIMES.past, 'past'],
  [PRIMES.merged, 'merged_patches'],
  [PRIMES.picked, 'picked'],
];

/** Whether a size is (derived from) an open dimension's stand-in. */
export function isOpen(size: number): boolean {
  return size !== 0 && NAMES.some(([p]) => size % p === 0);
}

/** The name an open dimension gets in the graph's inputs and outputs (`batch`, `4*merged_patches`, `batch*tokens`). */
export function openName(size: number): string {
  if (!isOpen(size)) throw new Error(`${size} is not an open dimension`);
  const names: string[] = [];
  let rest = size;
  for (const [p, name] of NAMES)
    while (rest % p === 0) {
      names.push(name);
      rest /= p;
    }
  return [...(rest === 1 ? [] : [String(rest)]), ...names].join('*');
}

/**
 * A Reshape's target that holds for any value of the open dimensions: 0 (copy the input's) where the size equals the
 * input's at the same axis, -1 (infer) for the one open size left; the other sizes are fixed. Throws when two open
 * sizes would be left, which no single Reshape can express.
 */
export function openReshapeTarget(from: readonly number[], to: readonly number[]): number[] {
  const target = to.map((d, i) => (i < from.length && from[i] === d && isOpen(d) ? 0 : d));
  const open = target.flatMap((d, i) => (d !== 0 && isOpen(d) ? [i] : []));
  if (open.length > 1)
    throw new Error(
      `cannot reshape [${from.map(describe)}] to [${to.map(describe)}] with more than one open dimension to infer`,
    );
  if (open.length === 1) target[open[0]] = -1;
  return target;
}

const describe = (d: number) => (isOpen(d) ? openName(d) : String(d));
