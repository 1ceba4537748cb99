// Policy losses written against the policy-loss context: they declare their data inputs and compose primitives.
// GRPO here shows the shape the RL code fills in; its constants are arguments, not fixed.

import { clip, maskedMean } from '../graph/composites';
import { add, cast, exp, less, minimum, mul, neg, reshape, sub, logicalNot } from '../graph/ops';
import type { PolicyLoss } from './vlm';

export interface GrpoOptions {
  /** PPO-style ratio clip ε (0.2 in MMSearch-R1). */
  clipRatio: number;
  /** Coefficient of the low-variance KL estimator against the reference policy (0.001); 0 drops the input. */
  klCoef: number;
}

/**
 * GRPO token-level loss. Inputs: `old_logprobs` [B, T], `advantages` [B] (one per sequence), `loss_mask` [B, T],
 * and `ref_logprobs` [B, T] when klCoef > 0. Metrics: kl, clip_fraction.
 */
export function grpoLoss(o: GrpoOptions): PolicyLoss {
  return ({ out, shape, input }) => {
    const { batch: B, length: T } = shape;
    const old = input('old_logprobs', [B, T]);
    const adv = reshape(input('advantages', [B]), [B, 1]);
    const mask = input('loss_mask', [B, T]);
    const logRatio = sub(out.logprobs, old);
    const ratio = exp(logRatio);
    const surrogate = minimum(mul(ratio, adv), mul(clip(ratio, 1 - o.clipRatio, 1 + o.clipRatio), adv));
    let perToken = neg(surrogate);
    const metrics: Record<string, ReturnType<typeof maskedMean>> = {};
    if (o.klCoef > 0) {
      const ref = input('ref_logprobs', [B, T]);
      const d = sub(ref, out.logprobs); // k3 estimator: e^d − d − 1 ≥ 0
      const kl = sub(sub(exp(d), d), 1);
      perToken = add(perToken, mul(kl, o.klCoef));
      metrics.kl = maskedMean(kl, mask);
    }
    const inside = logicalNot(less(o.clipRatio, abs(sub(ratio, 1))));
    metrics.clip_fraction = maskedMean(sub(1, cast(inside, 'float32')), mask);
    return { loss: maskedMean(perToken, mask), metrics };
  };
}

const abs = (x: Parameters<typeof neg>[0]) => {
  // |x| = max(x, −x); written with minimum to stay within the primitives
  return neg(minimum(x, neg(x)));
};
