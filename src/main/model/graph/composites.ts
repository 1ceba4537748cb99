// Layers and losses composed from primitives. No gradient code lives here: every composite is differentiated
// through the primitives it is made of.

import {
  add,
  cast,
  concat,
  sliceAxis,
  constant,
  div,
  equal,
  erf,
  expand,
  gather,
  logSoftmax,
  matmul,
  mean,
  mul,
  powConst,
  neg,
  reshape,
  sigmoid,
  softmax,
  sqrt,
  sub,
  sum,
  tanh,
  transpose,
  unsqueeze,
  where,
  less,
} from './ops';
import { toData, type DType, type Tensor } from './tensor';

/** input @ weightᵀ (+ bias), with the weight laid out [out, in] as in PyTorch / HF checkpoints. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const y = matmul(input, transpose(weight, [1, 0]));
  return bias ? add(y, bias) : y;
}

/** Rows of `table` picked by integer `ids`: [...ids, dim]. */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  return gather(table, ids, 0);
}

/** input / sqrt(mean(input²) + eps) · weight, in the form onnxruntime fuses into SimplifiedLayerNormalization. */
export function rmsNorm(input: Tensor, weight: Tensor, eps = 1e-6): Tensor {
  const ms = mean(powConst(input, 2), -1, true);
  return mul(div(input, sqrt(add(ms, eps))), weight);
}

export function layerNorm(input: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  const mu = mean(input, -1, true);
  const xc = sub(input, mu);
  const variance = mean(mul(xc, xc), -1, true);
  return add(mul(div(xc, sqrt(add(variance, eps))), weight), bias);
}

export const silu = (input: Tensor) => mul(input, sigmoid(input));
export const gelu = (input: Tensor) => mul(mul(input, 0.5), add(erf(mul(input, Math.SQRT1_2)), 1));
export const geluTanh = (input: Tensor) =>
  mul(
    mul(input, 0.5),
    add(tanh(mul(add(input, mul(mul(mul(input, input), input), 0.044715)), Math.sqrt(2 / Math.PI))), 1),
  );

/** SwiGLU MLP (Qwen2 / LLaMA): down(silu(gate(input)) · up(input)). */
export function swiGlu(input: Tensor, gate: Tensor, up: Tensor, down: Tensor): Tensor {
  return linear(mul(silu(linear(input, gate)), linear(input, up)), down);
}

/**
 * Rotary position embedding, rotate-half convention (Qwen2 / LLaMA). input: [B, H, T, D]; cos, sin: broadcastable to
 * [B, H, T, D] with each frequency repeated in both halves (see rotaryTables). rotate_half(x) = [−x₂, x₁] is a
 * product with a constant signed permutation, which keeps the backward free of slices and pads.
 */
export function rotary(input: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const d = input.shape[input.rank - 1];
  const r = new Float64Array(d * d);
  for (let i = 0; i < d / 2; i++) {
    r[(i + d / 2) * d + i] = -1; // out[i] = −x[i + d/2]
    r[i * d + i + d / 2] = 1; // out[i + d/2] = x[i]
  }
  const rotateHalf = matmul(input, constant(toData(input.dtype, r), [d, d], input.dtype));
  return add(mul(input, cos), mul(rotateHalf, sin));
}

/** Inverse frequencies of rotary embeddings for a head of size `dim`. */
export function rotaryInvFreq(dim: number, theta = 10000): Float64Array {
  return Float64Array.from({ length: dim / 2 }, (_, i) => 1 / Math.pow(theta, (2 * i) / dim));
}

/** cos/sin tables [B, 1, T, D] (frequencies repeated in both halves) for integer positions [B, T]. */
export function rotaryTables(
  positions: Tensor,
  dim: number,
  maxPositions: number,
  theta = 10000,
  dtype: DType = 'float32',
) {
  const inv = rotaryInvFreq(dim, theta);
  const cosT = new Float64Array(maxPositions * dim);
  const sinT = new Float64Array(maxPositions * dim);
  for (let p = 0; p < maxPositions; p++)
    for (let i = 0; i < dim; i++) {
      cosT[p * dim + i] = Math.cos(p * inv[i % (dim / 2)]);
      sinT[p * dim + i] = Math.sin(p * inv[i % (dim / 2)]);
    }
  const cos = gather(constant(toData(dtype, cosT), [maxPositions, dim], dtype), positions, 0);
  const sin = gather(constant(toData(dtype, sinT), [maxPositions, dim], dtype), positions, 0);
  return { cos: unsqueeze(cos, 1), sin: unsqueeze(sin, 1) };
}

/**
 * Scaled dot-product attention with grouped-query heads. query: [B, H, T, D]; key, value: [B, Hkv, S, D] with H a multiple
 * of Hkv; mask: additive, broadcastable to [B, 1, T, S] (0 to attend, a large negative number to block).
 * Returns [B, H, T, D].
 *
 * The G = H / Hkv query heads that share a kv head are stacked along the query axis ([B, Hkv, G·T, D]), so every
 * product is a plain batched matmul over [B, Hkv] (no broadcast batch dims, no reduction over G in the backward).
 */
export function attention(query: Tensor, key: Tensor, value: Tensor, mask?: Tensor): Tensor {
  return attentionSplit(query, key, value, undefined, undefined, mask);
}

/** Adds an additive mask (broadcastable to [B, 1, T, S]) to grouped scores [B, Hkv, G·T, S]. */
function maskGrouped(scores: Tensor, mask: Tensor, group: number): Tensor {
  const [b, hkv, gt, s] = scores.shape;
  const t = gt / group;
  const m = mask.rank === 4 ? mask : reshape(mask, [1, 1, ...mask.shape]);
  return reshape(add(reshape(scores, [b, hkv, group, t, s]), unsqueeze(m, 2)), [b, hkv, gt, s]);
}

/**
 * Attention of the query over keys/values held in two parts, a cache and recent ones, as if they were concatenated along the
 * sequence axis (cache first) — without copying the cache: scores are computed per part and only the scores are
 * joined for one softmax. query: [B, H, T, D]; cacheK/V: [B, Hkv, S, D]; recentK/V: [B, Hkv, R, D] (optional); mask
 * broadcastable to [B, 1, T, S + R].
 */
export function attentionSplit(
  query: Tensor,
  cacheK: Tensor,
  cacheV: Tensor,
  recentK?: Tensor,
  recentV?: Tensor,
  mask?: Tensor,
): Tensor {
  const [b, h, t, d] = query.shape;
  const hkv = cacheK.shape[1];
  const group = h / hkv;
  const s = cacheK.shape[2];
  const qg = reshape(query, [b, hkv, group * t, d]);
  const scoresOf = (k: Tensor) => matmul(qg, transpose(k, [0, 1, 3, 2]));
  let scores = recentK ? concat([scoresOf(cacheK), scoresOf(recentK)], -1) : scoresOf(cacheK);
  scores = mul(scores, 1 / Math.sqrt(d));
  if (mask) scores = maskGrouped(scores, mask, group);
  const p = softmax(scores, -1);
  const out =
    recentK && recentV
      ? add(matmul(sliceAxis(p, -1, 0, s), cacheV), matmul(sliceAxis(p, -1, s, s + recentK.shape[2]), recentV))
      : matmul(p, cacheV);
  return reshape(out, [b, h, t, d]);
}

export const MASKED = -1e9;

/** Additive causal mask [T, S] for T queries that sit at the end of S keys. */
export function causalMask(queries: number, keys = queries, dtype: DType = 'float32'): Tensor {
  const m = new Float64Array(queries * keys);
  for (let i = 0; i < queries; i++)
    for (let j = 0; j < keys; j++) m[i * keys + j] = j <= i + (keys - queries) ? 0 : MASKED;
  return constant(toData(dtype, m), [queries, keys], dtype);
}

/**
 * Additive block-diagonal mask [T, T] from segment ids (tokens attend within their segment; `causal` also
 * blocks the future). Use it for packed sequences or for windowed vision attention.
 */
export function blockMask(segments: readonly number[], causal: boolean, dtype: DType = 'float32'): Tensor {
  const t = segments.length;
  const m = new Float64Array(t * t);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < t; j++) m[i * t + j] = segments[i] === segments[j] && (!causal || j <= i) ? 0 : MASKED;
  return constant(toData(dtype, m), [t, t], dtype);
}

/** Additive mask [B, 1, 1, S] from a 0/1 key mask [B, S] (1 = a real token). */
export function keyPaddingMask(keyMask: Tensor, dtype: DType = 'float32'): Tensor {
  const [b, s] = keyMask.shape;
  const blocked = mul(sub(1, cast(keyMask, dtype)), -MASKED);
  return reshape(neg(blocked), [b, 1, 1, s]);
}

/** One-hot [..., n] of integer ids [...] as `dtype`. */
export function oneHot(ids: Tensor, depth: number, dtype: DType = 'float32'): Tensor {
  const iota = constant(
    BigInt64Array.from({ length: depth }, (_, i) => BigInt(i)),
    [depth],
    'int64',
  );
  return cast(equal(unsqueeze(cast(ids, 'int64'), -1), iota), dtype);
}

/** log p(ids) under logits [..., V]: [...]. */
export function tokenLogprobs(logits: Tensor, ids: Tensor): Tensor {
  const v = logits.shape[logits.rank - 1];
  return sum(mul(logSoftmax(logits, -1), oneHot(ids, v, logits.dtype)), -1);
}

/** Mean of the values over positions where mask (0/1 floats, same shape) is 1. */
export function maskedMean(values: Tensor, mask: Tensor): Tensor {
  return div(sum(mul(values, mask)), add(sum(mask), 1e-8));
}

/** Mean cross-entropy of logits [..., V] against integer targets [...], over positions with mask 1. */
export function crossEntropy(logits: Tensor, targets: Tensor, mask?: Tensor): Tensor {
  const nll = neg(tokenLogprobs(logits, targets));
  return mask ? maskedMean(nll, mask) : mean(nll);
}

/** Entropy of the softmax of logits [..., V]: [...]. */
export function entropy(logits: Tensor): Tensor {
  const logp = logSoftmax(logits, -1);
  return neg(sum(mul(softmax(logits, -1), logp), -1));
}

/** Elementwise clip of the input to [lo, hi] (gradient passes inside the interval). */
export function clip(input: Tensor, lo: number, hi: number): Tensor {
  const low = where(less(input, lo), expand(constant([lo], [], input.dtype), input.shape), input);
  return where(less(hi, low), expand(constant([hi], [], input.dtype), input.shape), low);
}
