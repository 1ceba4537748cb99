// The tiny VLM: a ViT-style vision tower whose patch features are merged 2×2 and projected to the LM width, and a
// Qwen2-style decoder (pre-RMSNorm blocks, rotary positions, grouped-query attention with q/k/v biases, SwiGLU MLP,
// tied embeddings). Image features replace the `<|image_pad|>` token embeddings.

import {
  attention,
  attentionSplit,
  causalMask,
  geluTanh,
  keyPaddingMask,
  rmsNorm,
  rotary,
  rotaryTables,
  embedding,
  linear,
  silu,
} from '../graph/composites';
import {
  add,
  concat,
  gather,
  greater,
  matmul,
  mul,
  pad,
  reshape,
  sliceAxis,
  transpose,
  unsqueeze,
  where,
} from '../graph/ops';
import type { Tensor } from '../graph/tensor';
import type { ParamSet } from '../train/params';
import { imageGeometry, type TinyVlmConfig } from './config';

// ---- vision tower ----

/** pixels [N, 3, H, W] → patch rows [N, P, 3·p·p], ordered so that each 2×2 merge group is contiguous. */
function patchify(pixels: Tensor, c: TinyVlmConfig): Tensor {
  const v = c.vision_config;
  const n = pixels.shape[0];
  const m = v.spatial_merge_size;
  const p = v.patch_size;
  const g = v.image_size / (p * m);
  const x = reshape(pixels, [n, 3, g, m, p, g, m, p]);
  // → [N, gy, gx, my, mx, C, py, px]
  const t = transpose(x, [0, 2, 5, 3, 6, 1, 4, 7]);
  return reshape(t, [n, g * g * m * m, 3 * p * p]);
}

function visionBlock(P: ParamSet, c: TinyVlmConfig, i: number, h: Tensor): Tensor {
  const v = c.vision_config;
  const b = `visual.blocks.${i}`;
  const [n, tokens, d] = h.shape;
  const heads = v.num_heads;
  const hd = d / heads;
  // full self-attention over the image's patches; the fused qkv weight is split by rows (cheap to differentiate)
  // rather than splitting the activations
  const x0 = rmsNorm(h, P.get(`${b}.norm1.weight`), 1e-6);
  const w = P.get(`${b}.attn.qkv.weight`);
  const bias = P.get(`${b}.attn.qkv.bias`);
  const project = (k: number) => {
    const y = linear(x0, sliceAxis(w, 0, k * d, (k + 1) * d), sliceAxis(bias, 0, k * d, (k + 1) * d));
    return transpose(reshape(y, [n, tokens, heads, hd]), [0, 2, 1, 3]);
  };
  const a = attention(project(0), project(1), project(2));
  h = add(h, P.linear(reshape(transpose(a, [0, 2, 1, 3]), [n, tokens, d]), `${b}.attn.proj`));
  // SwiGLU MLP (with biases here)
  return add(h, mlp(P, b, rmsNorm(h, P.get(`${b}.norm2.weight`), 1e-6)));
}

/** pixels [N, 3, H, W] → image-token features [N · tokensPerImage, hidden_size]. */
export function visionTower(params: ParamSet, config: TinyVlmConfig, pixels: Tensor): Tensor {
  const v = config.vision_config;
  const n = pixels.shape[0];
  const geo = imageGeometry(v);
  let h = add(
    params.linear(patchify(pixels, config), 'visual.patch_embed.proj'),
    params.get('visual.pos_embed.weight'),
  );
  for (let i = 0; i < v.depth; i++) h = visionBlock(params, config, i, h);
  // merger: norm, group each 2×2 neighbourhood into one vector, MLP to the LM width
  h = rmsNorm(h, params.get('visual.merger.ln_q.weight'), 1e-6);
  const merged = reshape(h, [n * geo.tokens, v.hidden_size * v.spatial_merge_size * v.spatial_merge_size]);
  return params.linear(geluTanh(params.linear(merged, 'visual.merger.mlp.0')), 'visual.merger.mlp.2');
}

// ---- decoder ----

export interface KV {
  k: Tensor;
  v: Tensor;
}

function selfAttention(
  P: ParamSet,
  c: TinyVlmConfig,
  l: string,
  x: Tensor,
  rope: { cos: Tensor; sin: Tensor },
  mask: Tensor,
  past?: KV,
  recent?: KV[],
) {
  const [b, t] = x.shape;
  const H = c.num_attention_heads;
  const Hkv = c.num_key_value_heads;
  const hd = c.head_dim;
  const heads = (y: Tensor, n: number) => transpose(reshape(y, [b, t, n, hd]), [0, 2, 1, 3]);
  const q = rotary(heads(P.linear(x, `${l}.self_attn.q_proj`), H), rope.cos, rope.sin);
  const k = rotary(heads(P.linear(x, `${l}.self_attn.k_proj`), Hkv), rope.cos, rope.sin);
  const v = heads(P.linear(x, `${l}.self_attn.v_proj`), Hkv);
  // keys: [cache | recent (earlier tokens of this run) | this token]; the cache is attended in place, not copied
  const nearK = concat([...(recent ?? []).map((kv) => kv.k), k], 2);
  const nearV = concat([...(recent ?? []).map((kv) => kv.v), v], 2);
  const a = past ? attentionSplit(q, past.k, past.v, nearK, nearV, mask) : attention(q, nearK, nearV, mask);
  const out = P.linear(reshape(transpose(a, [0, 2, 1, 3]), [b, t, H * hd]), `${l}.self_attn.o_proj`);
  return { out, present: { k, v } };
}

export interface DecoderInputs {
  /** [B, T, D] token (and image) embeddings. */
  embeds: Tensor;
  /** [B, T] int64 rotary positions. */
  positions: Tensor;
  /** Additive mask broadcastable to [B, 1, T, S] where S = past + T. */
  mask: Tensor;
  /** Per layer, the cache: keys/values of earlier positions [B, Hkv, S, hd]. */
  past?: KV[];
  /** Per layer, keys/values of tokens between the cache and these (earlier steps of a multi-token run). */
  recent?: KV[][];
}

/** The decoder stack: returns the final-norm hidden states [B, T, D] and each layer's new keys/values. */
export function decoder(
  params: ParamSet,
  config: TinyVlmConfig,
  inp: DecoderInputs,
): { hidden: Tensor; present: KV[] } {
  const rope = rotaryTables(
    inp.positions,
    config.head_dim,
    config.max_position_embeddings,
    config.rope_theta,
    params.dtype,
  );
  let h = inp.embeds;
  const present: KV[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `model.layers.${i}`;
    const a = selfAttention(
      params,
      config,
      l,
      rmsNorm(h, params.get(`${l}.input_layernorm.weight`), config.rms_norm_eps),
      rope,
      inp.mask,
      inp.past?.[i],
      inp.recent?.[i],
    );
    h = add(h, a.out);
    present.push(a.present);
    const x = rmsNorm(h, params.get(`${l}.post_attention_layernorm.weight`), config.rms_norm_eps);
    h = add(h, mlp(params, l, x));
  }
  return { hidden: rmsNorm(h, params.get('model.norm.weight'), config.rms_norm_eps), present };
}

/** SwiGLU: down(silu(gate(x)) · up(x)); biases are used where the checkpoint has them. */
function mlp(P: ParamSet, l: string, x: Tensor): Tensor {
  return P.linear(mul(silu(P.linear(x, `${l}.mlp.gate_proj`)), P.linear(x, `${l}.mlp.up_proj`)), `${l}.mlp.down_proj`);
}

/** Hidden states → logits over the vocabulary (tied to the input embeddings unless configured otherwise). */
export function lmHead(params: ParamSet, config: TinyVlmConfig, hidden: Tensor): Tensor {
  const w = config.tie_word_embeddings ? params.get('model.embed_tokens.weight') : params.get('lm_head.weight');
  return matmul(hidden, transpose(w, [1, 0]));
}

/**
 * Token embeddings with image features spliced in: imageIndex [B, T] is 0 for a text token and 1 + the row of
 * `imageFeatures` for an image token.
 */
export function embedInputs(params: ParamSet, ids: Tensor, imageIndex?: Tensor, imageFeatures?: Tensor): Tensor {
  const text = embedding(params.get('model.embed_tokens.weight'), ids);
  if (!imageIndex || !imageFeatures) return text;
  const rows = pad(imageFeatures, [1, 0], [0, 0]); // row 0: no image
  const picked = gather(rows, imageIndex, 0);
  return where(unsqueeze(greater(imageIndex, 0), -1), picked, text);
}

/** Additive causal + key-padding mask [B, 1, T, T] from a 0/1 attention mask [B, T]. */
export function sequenceMask(attentionMask: Tensor, dtype: Tensor['dtype']): Tensor {
  const t = attentionMask.shape[1];
  return add(keyPaddingMask(attentionMask, dtype), causalMask(t, t, dtype));
}

export interface ForwardInputs {
  ids: Tensor;
  attentionMask: Tensor;
  positions: Tensor;
  pixels?: Tensor;
  imageIndex?: Tensor;
}

/** The whole model on full sequences: logits [B, T, V] and per-layer keys/values. */
export function forward(params: ParamSet, config: TinyVlmConfig, inputs: ForwardInputs) {
  const feats = inputs.pixels && inputs.pixels.shape[0] > 0 ? visionTower(params, config, inputs.pixels) : undefined;
  const embeds = embedInputs(params, inputs.ids, inputs.imageIndex, feats);
  const { hidden, present } = decoder(params, config, {
    embeds,
    positions: inputs.positions,
    mask: sequenceMask(inputs.attentionMask, params.dtype),
  });
  return { logits: lmHead(params, config, hidden), present };
}
