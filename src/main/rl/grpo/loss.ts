// The GRPO objective as a policy loss graph (composed from the graph builder's ops; autodiff does the rest):
//   ratio      = exp(clamp(logπ − logπ_old, −20, 20))   (the clamp as veRL's: a stale or corrupt old log-prob must
//                not overflow exp in float32 and turn the loss and every gradient into Inf/NaN)
//   surrogate  = −min(ratio·A, clip(ratio, 1 − ε, 1 + ε)·A)
//   KL (k3)    = exp(logπ_ref − logπ) − (logπ_ref − logπ) − 1, clamped to [−10, 10] as veRL does
//   loss       = token-mean over the batch of (surrogate + β·KL − entropy bonus), over generated tokens only
import { add, cast, exp, greater, less, minimum, mul, neg, sub } from '../../model';
import { clip, maskedMean } from '../../model';
import type { PolicyLoss } from '../../model';
export interface GrpoLossConfig {
  /** ε of the clipped surrogate. */
  clipRatio: number;
  /** β: weight of the KL loss to the frozen reference. */
  klCoef: number;
  /** Weight of the entropy bonus (0 in the method's recipe). */
  entropyCoef: number;
}

/** Bound on the log-ratio before `exp`: veRL's compute_policy_loss clamps it to [−20, 20]. */
export const LOG_RATIO_CLAMP = 20;

export const DEFAULT_GRPO_LOSS: GrpoLossConfig = { clipRatio: 0.2, klCoef: 0.001, entropyCoef: 0 };

/** Graph inputs the loss declares; the trainer is fed these for each mini-batch, [B, T] each (advantages [B, 1]; ref only when klCoef > 0). */
export const GRPO_INPUTS = {
  mask: 'loss_mask',
  old: 'old_logprobs',
  ref: 'ref_logprobs',
  advantages: 'advantages',
} as const;

export function grpoLoss(config: GrpoLossConfig = DEFAULT_GRPO_LOSS): PolicyLoss {
  return ({ out, shape, input }) => {
    const { batch: B, length: T } = shape;
    const mask = input(GRPO_INPUTS.mask, [B, T]);
    const oldLogprobs = input(GRPO_INPUTS.old, [B, T]);
    const advantages = input(GRPO_INPUTS.advantages, [B, 1]);
    const logprobs = out.logprobs;

    const ratio = exp(clip(sub(logprobs, oldLogprobs), -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP));
    const unclipped = mul(ratio, advantages);
    const clipped = mul(clip(ratio, 1 - config.clipRatio, 1 + config.clipRatio), advantages);
    const surrogate = neg(minimum(unclipped, clipped));

    let perToken = surrogate;
    const entropy = out.entropy();
    const metrics: Record<string, ReturnType<typeof maskedMean>> = {
      pg_loss: maskedMean(surrogate, mask),
      entropy: maskedMean(entropy, mask),
      clip_fraction: maskedMean(
        add(cast(greater(ratio, 1 + config.clipRatio), 'float32'), cast(less(ratio, 1 - config.clipRatio), 'float32')),
        mask,
      ),
    };
    // Without a KL term the reference's log-probs are not an input at all (nothing needs computing them).
    if (config.klCoef > 0) {
      const refGap = sub(input(GRPO_INPUTS.ref, [B, T]), logprobs);
      const kl = clip(sub(sub(exp(refGap), refGap), 1), -10, 10);
      perToken = add(perToken, mul(kl, config.klCoef));
      metrics.kl = maskedMean(kl, mask);
    }
    if (config.entropyCoef > 0) perToken = sub(perToken, mul(entropy, config.entropyCoef));
    return { loss: maskedMean(perToken, mask), metrics };
  };
}
