// Reverse-mode differentiation over the graph: walk from the output back to the requested leaves in reverse
// topological order, applying each primitive's gradient rule and summing cotangents where a tensor fans out.
// Every op in the table declares a rule or 'none'; an op without one is an error here, never a silent zero.

import { add, cast, constant, expand, zerosLike } from './ops';
import { primitiveOf } from './primitives';
import { allocData, isFloat, type Tensor } from './tensor';

/** Every tensor reachable from `outputs`, inputs before users (ids increase along edges). */
export function topoSort(outputs: readonly Tensor[]): Tensor[] {
  const seen = new Map<number, Tensor>();
  const stack = [...outputs];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.set(t.id, t);
    for (const i of t.inputs) if (!seen.has(i.id)) stack.push(i);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/**
 * Gradients of `loss` (a scalar, or any tensor with a given cotangent `seed`) with respect to `wrt`.
 * A tensor that `loss` does not depend on gets zeros.
 */
export function grad(loss: Tensor, wrt: readonly Tensor[], seed?: Tensor): Tensor[] {
  if (!isFloat(loss.dtype)) throw new Error(`grad: loss must be a float tensor, got ${loss}`);
  const order = topoSort([loss]);
  // only tensors on a path from some wrt to loss need cotangents
  const wanted = new Set(wrt.map((t) => t.id));
  const onPath = new Set<number>();
  for (const t of order) if (wanted.has(t.id) || t.inputs.some((i) => onPath.has(i.id))) onPath.add(t.id);

  const cot = new Map<number, Tensor>();
  cot.set(loss.id, seed ?? expand(constant([1], [], loss.dtype), loss.shape));
  for (let k = order.length - 1; k >= 0; k--) {
    const y = order[k];
    const g = cot.get(y.id);
    if (!g || y.inputs.length === 0) continue;
    if (!y.inputs.some((i) => onPath.has(i.id))) continue;
    const { entry, attrs } = primitiveOf(y);
    if (entry.grad === 'none') continue;
    if (typeof entry.grad !== 'function') throw new Error(`grad: primitive ${y.op} has no gradient rule (${y})`);
    const gs = entry.grad(g, y, y.inputs, attrs);
    if (gs.length !== y.inputs.length)
      throw new Error(`grad: the rule of ${y.op} gave ${gs.length} cotangents for ${y.inputs.length} inputs (${y})`);
    y.inputs.forEach((x, i) => {
      const gx = gs[i];
      if (!gx || !onPath.has(x.id) || !isFloat(x.dtype)) return;
      const prev = cot.get(x.id);
      cot.set(x.id, prev ? add(prev, gx) : gx);
    });
  }
  return wrt.map((t) => {
    const g = cot.get(t.id);
    if (g) return g.dtype === t.dtype ? g : cast(g, t.dtype);
    return expand(zerosLike(t), t.shape);
  });
}

/** A zero-filled constant (for callers that need a materialised zero gradient). */
export function zeros(tensor: Tensor): Tensor {
  return constant(allocData(tensor.dtype, tensor.size), tensor.shape, tensor.dtype);
}
