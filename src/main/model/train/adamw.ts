// AdamW with global gradient-norm clipping, expressed as graph ops so that the whole update runs inside the
// training-step session. Bias corrections arrive as scalar inputs computed by the host from the step count.

import { add, div, input, maximum, mul, sqrt, sub, sum } from '../graph/ops';
import type { Tensor } from '../graph/tensor';

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value (Infinity: no clipping). */
  maxGradNorm: number;
}

export const defaultAdamW: AdamWConfig = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  maxGradNorm: 1.0,
};

export interface AdamWSlot {
  name: string;
  param: Tensor;
  grad: Tensor;
  /** Weight decay on or off, or a 0/1 mask shaped like the parameter (for a flat buffer of several parameters). */
  decay: boolean | Tensor;
}

export const stateInput = (kind: 'm' | 'v', name: string) => `adam_${kind}/${name}`;
export const updatedName = (kind: 'param' | 'm' | 'v', name: string) =>
  kind === 'param' ? `updated/${name}` : `updated_${kind}/${name}`;

/** Scalar graph inputs the host feeds every step. */
export const HYPER_INPUTS = { lr: 'adam/lr', bc1: 'adam/bias_correction1', bc2: 'adam/bias_correction2' } as const;

/** The update graph: new parameters and moments for each slot, and the (pre-clipping) global gradient norm. */
export function adamwGraph(slots: readonly AdamWSlot[], cfg: AdamWConfig) {
  const dtype = slots[0]?.param.dtype ?? 'float32';
  const lr = input(HYPER_INPUTS.lr, [], dtype);
  const bc1 = input(HYPER_INPUTS.bc1, [], dtype);
  const bc2 = input(HYPER_INPUTS.bc2, [], dtype);
  let sq: Tensor | undefined;
  for (const s of slots) {
    const n = sum(mul(s.grad, s.grad));
    sq = sq ? add(sq, n) : n;
  }
  const gradNorm = sqrt(sq!);
  // min(1, max / norm) without a branch
  const scale = Number.isFinite(cfg.maxGradNorm) ? div(cfg.maxGradNorm, maximum(gradNorm, cfg.maxGradNorm)) : undefined;
  const outputs: Record<string, Tensor> = {};
  for (const s of slots) {
    const g = scale ? mul(s.grad, scale) : s.grad;
    const m = input(stateInput('m', s.name), s.param.shape, dtype);
    const v = input(stateInput('v', s.name), s.param.shape, dtype);
    const m2 = add(mul(m, cfg.beta1), mul(g, 1 - cfg.beta1));
    const v2 = add(mul(v, cfg.beta2), mul(mul(g, g), 1 - cfg.beta2));
    let step = div(mul(m2, bc1), add(sqrt(mul(v2, bc2)), cfg.eps));
    if (s.decay && cfg.weightDecay) {
      const decayed = mul(s.param, cfg.weightDecay);
      step = add(step, s.decay === true ? decayed : mul(decayed, s.decay));
    }
    outputs[updatedName('param', s.name)] = sub(s.param, mul(step, lr));
    outputs[updatedName('m', s.name)] = m2;
    outputs[updatedName('v', s.name)] = v2;
  }
  return { outputs, gradNorm };
}
