// Supervised losses of the tiny VLM's policy, composed from its outputs.

import { mul, neg, sum } from '../graph/ops';
import { maskedMean } from '../graph/composites';
import type { PolicyLoss } from '../policy/training';

/** Supervised fine-tuning: mean negative log-likelihood over tokens where `loss_mask` [B, T] is 1. */
export const sftLoss: PolicyLoss = ({ out, shape, input }) => {
  const mask = input('loss_mask', [shape.batch, shape.length]);
  return { loss: maskedMean(neg(out.logprobs), mask) };
};

/**
 * Σ mask·NLL: the caller's mask carries the normalisation (1/N for a loss over N tokens). With one N for every
 * batch of a dataset, each learned token weighs the same whichever batch it falls in; a per-batch mean would
 * weigh tokens of short-sequence batches more (a one-token decision in a short conversation outweighed the same
 * decision in a long one several times over).
 */
export const sftTokenSumLoss: PolicyLoss = ({ out, shape, input }) => {
  const weights = input('loss_mask', [shape.batch, shape.length]);
  return { loss: sum(mul(neg(out.logprobs), weights)) };
};
