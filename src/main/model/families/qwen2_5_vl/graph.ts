// Qwen2.5-VL built with the model engine, module by module under the checkpoint's names: the vision tower (patch
// embedding as one matrix product over (C, T, P, P) rows, RMSNorm blocks with 2-D rotary attention — windowed, or
// full in `fullatt_block_indexes` — and a SwiGLU MLP with biases, then the 2×2 merger) and the Qwen2 decoder
// (grouped-query attention with q/k/v biases, multimodal rotary positions, SwiGLU, RMSNorm). Position-dependent
// tables (rotary cos/sin, attention masks) are computed on the host (positions.ts) and fed as inputs: they are small,
// and one graph then serves every image layout with the same patch count.

import {
  attention,
  attentionSplit,
  gelu,
  keyPaddingMask,
  causalMask,
  rmsNorm,
  rotary,
  embedding,
} from '../../graph/composites';
import {
  add,
  concat,
  gather,
  greater,
  input,
  matmul,
  mul,
  pad,
  reshape,
  sliceAxis,
  transpose,
  unsqueeze,
  where,
} from '../../graph/ops';
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

export function visionInputs(config: Qwen25VlConfig, patches: number): VisionInputs {
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
  const a = attention(q, k, project(2), mask);
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
  /** Additive mask broadcastable to [B, 1, T, S]. */
  mask: Tensor;
  /** Per layer: cached keys/values [B, Hkv, S_cache, hd], attended before this step's own. */
  past?: KV[];
}

function selfAttention(P: ParamSet, c: Qwen25VlConfig, l: string, x: Tensor, inp: DecoderInputs, past?: KV) {
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
  const a = past ? attentionSplit(q, past.k, past.v, k, v, inp.mask) : attention(q, k, v, inp.mask);
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
      inp.past?.[i],
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
export function embedTokens(params: ParamSet, ids: Tensor, imageIndex?: Tensor, imageEmbeds?: Tensor): Tensor {
  const text = embedding(params.get('model.embed_tokens.weight'), ids);
  if (!imageIndex || !imageEmbeds) return text;
  const picked = gather(pad(imageEmbeds, [1, 0], [0, 0]), imageIndex, 0);
  return where(unsqueeze(greater(imageIndex, 0), -1), picked, text);
}

export const presentName = (kind: 'k' | 'v', layer: number) => `present.${layer}.${kind}`;
export const pastName = (kind: 'k' | 'v', layer: number) => `past.${layer}.${kind}`;

export interface PrefillShape {
  batch: number;
  length: number;
  /** Image-token feature rows fed (0: a text-only graph). */
  imageTokens: number;
  /** Logits for the last `logitsLast` positions only (default: every position). */
  logitsLast?: number;
  /** Also return every layer's keys/values (for generation). */
  cache?: boolean;
}

/**
 * A full-sequence forward: inputs `input_ids`, `attention_mask` [B, T] (1 = real token; left padding allowed),
 * `rope_cos`/`rope_sin` [B, T, hd], and with images `image_index` [B, T] and `image_embeds` [N, D].
 * Outputs `logits` [B, K, V] and, with `cache`, `present.L.k/v` [B, Hkv, T, hd].
 */
export function prefillGraph(params: ParamSet, config: Qwen25VlConfig, shape: PrefillShape): Record<string, Tensor> {
  const { batch: B, length: T } = shape;
  const ids = input('input_ids', [B, T], 'int64');
  const keys = input('attention_mask', [B, T], 'int64');
  const cos = input('rope_cos', [B, T, config.headDim], params.dtype);
  const sin = input('rope_sin', [B, T, config.headDim], params.dtype);
  const images = shape.imageTokens > 0;
  const imageIndex = images ? input('image_index', [B, T], 'int64') : undefined;
  const imageEmbeds = images
    ? input('image_embeds', [shape.imageTokens, config.text.hidden_size], params.dtype)
    : undefined;
  const mask = add(keyPaddingMask(keys, params.dtype), causalMask(T, T, params.dtype));
  const { hidden, present } = decoder(params, config, {
    embeds: embedTokens(params, ids, imageIndex, imageEmbeds),
    cos,
    sin,
    mask,
  });
  const K = shape.logitsLast ?? T;
  const out: Record<string, Tensor> = {
    logits: lmHead(params, config, K === T ? hidden : sliceAxis(hidden, 1, T - K, T)),
  };
  if (shape.cache)
    present.forEach((kv, i) => {
      out[presentName('k', i)] = kv.k;
      out[presentName('v', i)] = kv.v;
    });
  return out;
}

/**
 * One token per row against a cache of S slots that is an input only: `input_ids` [B, 1], `rope_cos/sin` [B, 1, hd],
 * `key_mask` [B, S + 1] (1 for cache slots holding a token, then 1 for the new token), `past.L.k/v`
 * [B, Hkv, S, hd]. Outputs `logits` [B, V] and the new token's keys/values [B, Hkv, 1, hd] (the host writes them
 * into its cache), so the cache never comes back across the bus.
 */
export function decodeGraph(
  params: ParamSet,
  config: Qwen25VlConfig,
  shape: { batch: number; cache: number },
): Record<string, Tensor> {
  const { batch: B, cache: S } = shape;
  const Hkv = config.text.num_key_value_heads;
  const ids = input('input_ids', [B, 1], 'int64');
  const cos = input('rope_cos', [B, 1, config.headDim], params.dtype);
  const sin = input('rope_sin', [B, 1, config.headDim], params.dtype);
  const keyMask = input('key_mask', [B, S + 1], 'int64');
  const past: KV[] = [];
  for (let i = 0; i < config.text.num_hidden_layers; i++)
    past.push({
      k: input(pastName('k', i), [B, Hkv, S, config.headDim], params.dtype),
      v: input(pastName('v', i), [B, Hkv, S, config.headDim], params.dtype),
    });
  const { hidden, present } = decoder(params, config, {
    embeds: embedTokens(params, ids),
    cos,
    sin,
    mask: keyPaddingMask(keyMask, params.dtype),
    past,
  });
  const out: Record<string, Tensor> = { logits: reshape(lmHead(params, config, hidden), [B, config.text.vocab_size]) };
  present.forEach((kv, i) => {
    out[presentName('k', i)] = kv.k;
    out[presentName('v', i)] = kv.v;
  });
  return out;
}

export { concat };
