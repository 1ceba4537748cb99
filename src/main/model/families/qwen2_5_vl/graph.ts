// Qwen2.5-VL built with the model engine, module by module under the checkpoint's names: the vision tower (patch
// embedding as one matrix product over (C, T, P, P) rows, RMSNorm blocks with 2-D rotary attention — windowed, or
// full in `fullatt_block_indexes` — and a SwiGLU MLP with biases, then the 2×2 merger) and the Qwen2 decoder
// (grouped-query attention with q/k/v biases, multimodal rotary positions, SwiGLU, RMSNorm). Position-dependent
// tables (rotary cos/sin, attention masks) are computed on the host (positions.ts) and fed as inputs: they are small.
// Two graphs, each built once with its sizes left open (graph/dynamic.ts): the vision tower for any patch count and
// the decoder for any batch, new tokens and cached tokens, so prefill, decode and scoring run on one session each
// and the weights are never held twice.

import { gelu, keyPaddingMask, MASKED, rmsNorm, rotary, embedding } from '../../graph/composites';
import {
  add,
  cast,
  concat,
  gather,
  greater,
  input,
  matmul,
  mul,
  pad,
  reshape,
  softmax,
  sliceAxis,
  transpose,
  unsqueeze,
  where,
} from '../../graph/ops';
import { OPEN } from '../../graph/dynamic';
import { silu } from '../../graph/composites';
import type { Tensor } from '../../graph/tensor';
import type { ParamSet } from '../../train/params';
import type { Qwen25VlConfig } from './config';

// ---- vision tower ----

export interface VisionInputs {
  /** [P, 3 · temporal · patch · patch] patch rows in the processor's order. */
  pixels: Tensor;
  /** [P, visionHeadDim] each. */
  cos: Tensor;
  sin: Tensor;
  /** Additive [P, P] masks: within a window, within a frame. */
  windowMask: Tensor;
  fullMask: Tensor;
}

/** The vision tower's inputs for `patches` patch rows (default: any number). */
export function visionInputs(
  config: Qwen25VlConfig,
  patches = OPEN.patches(config.vision.spatial_merge_size ** 2),
): VisionInputs {
  const v = config.vision;
  return {
    pixels: input('pixel_values', [patches, 3 * v.temporal_patch_size * v.patch_size * v.patch_size]),
    cos: input('vision_cos', [patches, config.visionHeadDim]),
    sin: input('vision_sin', [patches, config.visionHeadDim]),
    windowMask: input('window_mask', [patches, patches]),
    fullMask: input('full_mask', [patches, patches]),
  };
}

function visionBlock(P: ParamSet, c: Qwen25VlConfig, i: number, h: Tensor, x: VisionInputs): Tensor {
  const b = `visual.blocks.${i}`;
  const [n, d] = h.shape;
  const heads = c.vision.num_heads;
  const hd = c.visionHeadDim;
  const normed = rmsNorm(h, P.get(`${b}.norm1.weight`), 1e-6);
  const w = P.get(`${b}.attn.qkv.weight`);
  const bias = P.get(`${b}.attn.qkv.bias`);
  // the fused qkv projection split by weight rows: q, k, v each [1, heads, P, hd]
  const project = (k: number) => {
    const y = matmul(normed, transpose(sliceAxis(w, 0, k * d, (k + 1) * d), [1, 0]));
    return transpose(reshape(add(y, sliceAxis(bias, 0, k * d, (k + 1) * d)), [1, n, heads, hd]), [0, 2, 1, 3]);
  };
  const q = rotary(project(0), x.cos, x.sin);
  const k = rotary(project(1), x.cos, x.sin);
  const mask = c.vision.fullatt_block_indexes.includes(i) ? x.fullMask : x.windowMask;
  const a = matmul(softmax(add(mul(matmul(q, transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(hd)), mask), -1), project(2));
  h = add(h, P.linear(reshape(transpose(a, [0, 2, 1, 3]), [n, d]), `${b}.attn.proj`));
  const m = rmsNorm(h, P.get(`${b}.norm2.weight`), 1e-6);
  return add(
    h,
    P.linear(mul(silu(P.linear(m, `${b}.mlp.gate_proj`)), P.linear(m, `${b}.mlp.up_proj`)), `${b}.mlp.down_proj`),
  );
}

/** Patch rows → image-token features [P / merge², text hidden size], in the processor's (merge-unit) order. */
export function visionTower(params: ParamSet, config: Qwen25VlConfig, inputs: VisionInputs): Tensor {
  const v = config.vision;
  const patches = inputs.pixels.shape[0];
  const proj = params.get('visual.patch_embed.proj.weight');
  let h = matmul(inputs.pixels, transpose(reshape(proj, [v.hidden_size, inputs.pixels.shape[1]]), [1, 0]));
  for (let i = 0; i < v.depth; i++) h = visionBlock(params, config, i, h, inputs);
  const unit = v.spatial_merge_size * v.spatial_merge_size;
  const merged = reshape(rmsNorm(h, params.get('visual.merger.ln_q.weight'), 1e-6), [
    patches / unit,
    v.hidden_size * unit,
  ]);
  return params.linear(gelu(params.linear(merged, 'visual.merger.mlp.0')), 'visual.merger.mlp.2');
}

// ---- decoder ----

export interface KV {
  k: Tensor;
  v: Tensor;
}

export interface DecoderInputs {
  /** [B, T, D] */
  embeds: Tensor;
  /** [B, T, headDim] rotary tables from the three position streams. */
  cos: Tensor;
  sin: Tensor;
  /** Additive masks: over the cached keys [B, 1, 1, S], over this step's own keys [B, 1, T, T] (causal, padding). */
  pastMask: Tensor;
  ownMask: Tensor;
  /** Per layer: cached keys/values [B, Hkv, S, hd], attended before this step's own. */
  past: KV[];
}

/**
 * Grouped-query attention over cached and new keys without a reshape that would fix two open sizes: the G query
 * heads sharing a kv head are stacked along the query axis ([B, Hkv, G·T, hd]), the cached and the new keys' scores
 * are masked apart and joined for one softmax, and the values joined the same way.
 */
function groupedAttention(q: Tensor, own: KV, past: KV, pastMask: Tensor, ownMask: Tensor): Tensor {
  const [b, h, t, hd] = q.shape;
  const hkv = own.k.shape[1];
  const group = h / hkv;
  const qg = reshape(q, [b, hkv, group * t, hd]);
  const scores = (k: Tensor) => mul(matmul(qg, transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(hd));
  const ownGrouped =
    group === 1
      ? ownMask
      : concat(
          Array.from({ length: group }, () => ownMask),
          2,
        );
  const p = softmax(concat([add(scores(past.k), pastMask), add(scores(own.k), ownGrouped)], -1), -1);
  return reshape(matmul(p, concat([past.v, own.v], 2)), [b, h, t, hd]);
}

function selfAttention(P: ParamSet, c: Qwen25VlConfig, l: string, x: Tensor, inp: DecoderInputs, past: KV) {
  const [b, t] = x.shape;
  const H = c.text.num_attention_heads;
  const Hkv = c.text.num_key_value_heads;
  const hd = c.headDim;
  const heads = (y: Tensor, n: number) => transpose(reshape(y, [b, t, n, hd]), [0, 2, 1, 3]);
  const cos = unsqueeze(inp.cos, 1);
  const sin = unsqueeze(inp.sin, 1);
  const q = rotary(heads(P.linear(x, `${l}.self_attn.q_proj`), H), cos, sin);
  const k = rotary(heads(P.linear(x, `${l}.self_attn.k_proj`), Hkv), cos, sin);
  const v = heads(P.linear(x, `${l}.self_attn.v_proj`), Hkv);
  const a = groupedAttention(q, { k, v }, past, inp.pastMask, inp.ownMask);
  return {
    out: P.linear(reshape(transpose(a, [0, 2, 1, 3]), [b, t, H * hd]), `${l}.self_attn.o_proj`),
    present: { k, v },
  };
}

/** The decoder stack: final-norm hidden states [B, T, D] and each layer's keys/values for these positions. */
export function decoder(
  params: ParamSet,
  config: Qwen25VlConfig,
  inp: DecoderInputs,
): { hidden: Tensor; present: KV[] } {
  const eps = config.text.rms_norm_eps;
  let h = inp.embeds;
  const present: KV[] = [];
  for (let i = 0; i < config.text.num_hidden_layers; i++) {
    const l = `model.layers.${i}`;
    const a = selfAttention(
      params,
      config,
      l,
      rmsNorm(h, params.get(`${l}.input_layernorm.weight`), eps),
      inp,
      inp.past[i],
    );
    h = add(h, a.out);
    present.push(a.present);
    const m = rmsNorm(h, params.get(`${l}.post_attention_layernorm.weight`), eps);
    h = add(
      h,
      params.linear(
        mul(silu(params.linear(m, `${l}.mlp.gate_proj`)), params.linear(m, `${l}.mlp.up_proj`)),
        `${l}.mlp.down_proj`,
      ),
    );
  }
  return { hidden: rmsNorm(h, params.get('model.norm.weight'), eps), present };
}

/** Hidden states → logits (the input embeddings when tied, else lm_head). */
export function lmHead(params: ParamSet, config: Qwen25VlConfig, hidden: Tensor): Tensor {
  const w = config.text.tie_word_embeddings ? params.get('model.embed_tokens.weight') : params.get('lm_head.weight');
  return matmul(hidden, transpose(w, [1, 0]));
}

/** Token embeddings with image features in place of `<|image_pad|>`: imageIndex is 0 for text, 1 + feature row otherwise. */
export function embedTokens(params: ParamSet, ids: Tensor, imageIndex: Tensor, imageEmbeds: Tensor): Tensor {
  const text = embedding(params.get('model.embed_tokens.weight'), ids);
  const picked = gather(pad(imageEmbeds, [1, 0], [0, 0]), imageIndex, 0);
  return where(unsqueeze(greater(imageIndex, 0), -1), picked, text);
}

/**
 * The additive mask [B, 1, T, T] of a step's own tokens: causal by `order` [T] (token j is hidden from token i when
 * it comes later) and blind to padding (`attentionMask` [B, T], 0 = padding).
 */
export function ownTokensMask(order: Tensor, attentionMask: Tensor, dtype: Tensor['dtype']): Tensor {
  const later = greater(unsqueeze(order, 0), unsqueeze(order, 1));
  return add(keyPaddingMask(attentionMask, dtype), mul(cast(later, dtype), MASKED));
}

export const presentName = (kind: 'k' | 'v', layer: number) => `present.${layer}.${kind}`;
export const pastName = (kind: 'k' | 'v', layer: number) => `past.${layer}.${kind}`;

/** The decoder graph's sizes; each defaults to open. */
export interface DecoderShape {
  batch: number;
  /** New tokens per row. */
  tokens: number;
  /** Cached slots per row (at least one: a slot masked out stands for an empty cache). */
  past: number;
  /** Positions whose logits come out. */
  picked: number;
  /** Image-feature rows (at least one: a row no token points at stands for none). */
  imageRows: number;
}

/**
 * The decoder for prefill, decode and scoring alike: T new tokens per row after S cached ones.
 * Inputs: `input_ids`, `attention_mask` [B, T] (1 = a real token; left padding allowed), `token_order` [T] (0 … T−1,
 * for the causal mask), `rope_cos`/`rope_sin` [B, T, hd], `image_index` [B, T] (0 for text, 1 + row of
 * `image_embeds` [N, D]), `past_mask` [B, S] (1 = a cached token), `past.L.k/v` [B, Hkv, S, hd], `logits_index` [K].
 * Outputs `logits` [B, K, V] at those positions and the new tokens' keys/values `present.L.k/v` [B, Hkv, T, hd]
 * (the host writes them into its cache; the cache never comes back across the bus).
 */
export function decoderGraph(
  params: ParamSet,
  config: Qwen25VlConfig,
  shape: Partial<DecoderShape> = {},
): Record<string, Tensor> {
  const B = shape.batch ?? OPEN.batch;
  const T = shape.tokens ?? OPEN.tokens;
  const S = shape.past ?? OPEN.past;
  const K = shape.picked ?? OPEN.picked;
  const N = shape.imageRows ?? OPEN.patches(1);
  const hd = config.headDim;
  const Hkv = config.text.num_key_value_heads;
  const dtype = params.dtype;
  const ids = input('input_ids', [B, T], 'int64');
  const ownMask = ownTokensMask(input('token_order', [T], 'int64'), input('attention_mask', [B, T], 'int64'), dtype);
  const past: KV[] = [];
  for (let i = 0; i < config.text.num_hidden_layers; i++)
    past.push({
      k: input(pastName('k', i), [B, Hkv, S, hd], dtype),
      v: input(pastName('v', i), [B, Hkv, S, hd], dtype),
    });
  const embeds = embedTokens(
    params,
    ids,
    input('image_index', [B, T], 'int64'),
    input('image_embeds', [N, config.text.hidden_size], dtype),
  );
  const { hidden, present } = decoder(params, config, {
    embeds,
    cos: input('rope_cos', [B, T, hd], dtype),
    sin: input('rope_sin', [B, T, hd], dtype),
    pastMask: keyPaddingMask(input('past_mask', [B, S], 'int64'), dtype),
    ownMask,
    past,
  });
  const out: Record<string, Tensor> = {
    logits: lmHead(params, config, gather(hidden, input('logits_index', [K], 'int64'), 1)),
  };
  present.forEach((kv, i) => {
    out[presentName('k', i)] = kv.k;
    out[presentName('v', i)] = kv.v;
  });
  return out;
}
