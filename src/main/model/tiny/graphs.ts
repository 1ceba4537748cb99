// The graphs the tiny VLM runs: a full-sequence policy forward (per-token log-probs for the policy-gradient loss),
// a prefill that returns the prompt's keys/values, and a one-token decode step against a fixed-size KV cache that
// is an input only (the step returns just the new token's keys/values; the host writes them into its cache).

import { entropy, keyPaddingMask, oneHot, tokenLogprobs } from '../graph/composites';
import {
  add,
  argmax,
  concat,
  constant,
  input,
  log,
  logSoftmax,
  mul,
  neg,
  pad,
  reshape,
  sliceAxis,
  sum,
} from '../graph/ops';
import type { Tensor } from '../graph/tensor';
import type { ParamSet } from '../train/params';
import { imageGeometry, type TinyVlmConfig } from './config';
import { decoder, embedInputs, forward, lmHead, type KV } from './model';

export interface BatchShape {
  batch: number;
  length: number;
  /** Images in the batch (0: no vision tower in the graph). */
  images: number;
}

/** The data inputs of a full-sequence forward. */
export function sequenceInputs(config: TinyVlmConfig, shape: BatchShape, dtype: Tensor['dtype'] = 'float32') {
  const { batch: B, length: T, images: N } = shape;
  const v = config.vision_config;
  return {
    ids: input('input_ids', [B, T], 'int64'),
    attentionMask: input('attention_mask', [B, T], 'int64'),
    positions: input('position_ids', [B, T], 'int64'),
    pixels: N > 0 ? input('pixel_values', [N, 3, v.image_size, v.image_size], dtype) : undefined,
    imageIndex: N > 0 ? input('image_index', [B, T], 'int64') : undefined,
  };
}

export interface PolicyOutputs {
  /** [B, T, V] */
  logits: Tensor;
  /** [B, T]: log p(ids[t] | ids[<t]); 0 at t = 0. */
  logprobs: Tensor;
  /** [B, T]: entropy of the distribution that predicted ids[t]; 0 at t = 0. */
  entropy: () => Tensor;
  inputs: ReturnType<typeof sequenceInputs>;
}

export function policyGraph(
  params: ParamSet,
  config: TinyVlmConfig,
  shape: BatchShape,
  inputs = sequenceInputs(config, shape, params.dtype),
): PolicyOutputs {
  const { logits } = forward(params, config, inputs);
  const T = shape.length;
  // position t predicts ids[t + 1]; score every position against the ids shifted left (the last target is a
  // dummy), then shift the [B, T] result right, so no slice or pad touches the [B, T, V] logits
  const next = concat([sliceAxis(inputs.ids, 1, 1, T), sliceAxis(inputs.ids, 1, 0, 1)], 1);
  const shiftRight = (x: Tensor) => pad(sliceAxis(x, 1, 0, T - 1), [0, 1], [0, 0]);
  return {
    logits,
    logprobs: shiftRight(tokenLogprobs(logits, next)),
    entropy: () => shiftRight(entropy(logits)),
    inputs,
  };
}

export const kvName = (kind: 'k' | 'v', layer: number) => `present.${layer}.${kind}`;
export const pastName = (kind: 'k' | 'v', layer: number) => `past.${layer}.${kind}`;

/** Prompt forward: last-position logits [B, V] and every layer's keys/values [B, Hkv, T, hd]. */
export function prefillGraph(params: ParamSet, config: TinyVlmConfig, shape: BatchShape): Record<string, Tensor> {
  const inputs = sequenceInputs(config, shape, params.dtype);
  const { logits, present } = forward(params, config, inputs);
  const out: Record<string, Tensor> = {
    logits: reshape(sliceAxis(logits, 1, shape.length - 1, shape.length), [shape.batch, config.vocab_size]),
  };
  present.forEach((kv, i) => {
    out[kvName('k', i)] = kv.k;
    out[kvName('v', i)] = kv.v;
  });
  return out;
}

export interface DecodeShape {
  batch: number;
  /** Cache slots S: the step attends over S cached positions plus itself. */
  cache: number;
  /** Also return the whole updated cache (the design we measure against). */
  returnCache?: boolean;
  /** Width of the key_mask input (default S + 1; only its first S + 1 columns are used). */
  maskWidth?: number;
}

/** One token per row against a cache of S slots: logits [B, V] and the new keys/values [B, Hkv, 1, hd]. */
export function decodeGraph(params: ParamSet, config: TinyVlmConfig, shape: DecodeShape): Record<string, Tensor> {
  const B = shape.batch;
  const S = shape.cache;
  const ids = input('input_ids', [B, 1], 'int64');
  const positions = input('position_ids', [B, 1], 'int64');
  // 1 for cache slots that hold a real token, then 1 for the new token itself
  const keyMask = input('key_mask', [B, shape.maskWidth ?? S + 1], 'int64');
  const past: KV[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++)
    past.push({
      k: input(pastName('k', i), [B, config.num_key_value_heads, S, config.head_dim], params.dtype),
      v: input(pastName('v', i), [B, config.num_key_value_heads, S, config.head_dim], params.dtype),
    });
  const embeds = embedInputs(params, ids);
  const mask = keyPaddingMask(sliceAxis(keyMask, 1, 0, S + 1), params.dtype);
  const { hidden, present } = decoder(params, config, { embeds, positions, mask, past });
  const out: Record<string, Tensor> = { logits: reshape(lmHead(params, config, hidden), [B, config.vocab_size]) };
  present.forEach((kv, i) => {
    if (shape.returnCache) {
      out[`cache.${i}.k`] = concat([past[i].k, kv.k], 2);
      out[`cache.${i}.v`] = concat([past[i].v, kv.v], 2);
    } else {
      out[kvName('k', i)] = kv.k;
      out[kvName('v', i)] = kv.v;
    }
  });
  return out;
}

export { imageGeometry };

export interface MultiDecodeShape {
  batch: number;
  /** Cache slots S before this run. */
  cache: number;
  /** Tokens generated per run. */
  steps: number;
  /** Token ids never sampled. */
  banned?: readonly number[];
}

/**
 * Several decode steps in one run, sampling inside the graph with the Gumbel-max trick: token = argmax(logits / T +
 * g · gumbel(u)) where u ~ U(0, 1) comes from the host (`noise` [k, B, V]) and g = `noise_scale` (1 to sample,
 * 0 for greedy). Inputs: the last token [B, 1] and its position, `key_mask` [B, S + k] (cache slots, then one column
 * per step of this run), the caches [B, Hkv, S, hd]. Outputs: `tokens` [B, k], `logprobs` [B, k] (under the
 * temperature-scaled distribution) and each layer's keys/values for the k tokens fed [B, Hkv, k, hd].
 */
export function decodeMultiGraph(
  params: ParamSet,
  config: TinyVlmConfig,
  shape: MultiDecodeShape,
): Record<string, Tensor> {
  const { batch: B, cache: S, steps: k } = shape;
  const V = config.vocab_size;
  let ids = input('input_ids', [B, 1], 'int64');
  const position0 = input('position_ids', [B, 1], 'int64');
  const keyMask = input('key_mask', [B, S + k], 'int64');
  const noise = input('noise', [k, B, V], params.dtype);
  const invTemperature = input('inv_temperature', [], params.dtype);
  const noiseScale = input('noise_scale', [], params.dtype);
  const past: KV[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++)
    past.push({
      k: input(pastName('k', i), [B, config.num_key_value_heads, S, config.head_dim], params.dtype),
      v: input(pastName('v', i), [B, config.num_key_value_heads, S, config.head_dim], params.dtype),
    });
  const fresh: KV[][] = past.map(() => []);
  // banned tokens get a large negative score in the argmax (their log-probs are reported unrestricted)
  let ban: Tensor | undefined;
  if (shape.banned?.length) {
    const bias = new Float32Array(V);
    for (const id of shape.banned) bias[id] = -1e9;
    ban = constant(params.dtype === 'float64' ? Float64Array.from(bias) : bias, [V], params.dtype);
  }
  const tokens: Tensor[] = [];
  const logprobs: Tensor[] = [];
  for (let j = 0; j < k; j++) {
    const mask = keyPaddingMask(sliceAxis(keyMask, 1, 0, S + j + 1), params.dtype);
    const positions = j === 0 ? position0 : add(position0, constant(BigInt64Array.of(BigInt(j)), [], 'int64'));
    const { hidden, present } = decoder(params, config, {
      embeds: embedInputs(params, ids),
      positions,
      mask,
      past,
      recent: fresh.map((f) => [...f]),
    });
    present.forEach((kv, i) => fresh[i].push(kv));
    const logits = reshape(lmHead(params, config, hidden), [B, V]);
    const logp = logSoftmax(mul(logits, invTemperature), -1);
    const u = reshape(sliceAxis(noise, 0, j, j + 1), [B, V]);
    const gumbel = neg(log(neg(log(u))));
    let score = add(logp, mul(gumbel, noiseScale));
    if (ban) score = add(score, ban);
    const token = argmax(score, -1);
    logprobs.push(reshape(sum(mul(logp, oneHot(token, V, params.dtype)), -1), [B, 1]));
    ids = reshape(token, [B, 1]);
    tokens.push(ids);
  }
  const out: Record<string, Tensor> = { tokens: concat(tokens, 1), logprobs: concat(logprobs, 1) };
  fresh.forEach((kvs, i) => {
    out[kvName('k', i)] = concat(
      kvs.map((kv) => kv.k),
      2,
    );
    out[kvName('v', i)] = concat(
      kvs.map((kv) => kv.v),
      2,
    );
  });
  return out;
}
