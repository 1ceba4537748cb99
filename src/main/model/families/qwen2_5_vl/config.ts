// Qwen2.5-VL's config.json as published (flat text keys beside `vision_config`), or as newer transformers versions
// save it (text keys under `text_config`), read into one shape, checked, and the tensor shapes it implies.

import { z } from 'zod';

const VisionSchema = z.object({
  depth: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_heads: z.number().int().positive(),
  in_chans: z.literal(3).default(3),
  out_hidden_size: z.number().int().positive(),
  patch_size: z.number().int().positive(),
  spatial_merge_size: z.number().int().positive(),
  temporal_patch_size: z.number().int().positive(),
  window_size: z.number().int().positive(),
  fullatt_block_indexes: z.array(z.number().int().nonnegative()),
  hidden_act: z.literal('silu').default('silu'),
  tokens_per_second: z.number().nonnegative().default(2),
});

const TextSchema = z.object({
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive(),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(1e6),
  max_position_embeddings: z.number().int().positive().default(128000),
  hidden_act: z.literal('silu').default('silu'),
  tie_word_embeddings: z.boolean().default(false),
  rope_scaling: z.object({ mrope_section: z.array(z.number().int().positive()).length(3) }).loose(),
});

const TokenIdsSchema = z.object({
  image_token_id: z.number().int().nonnegative(),
  video_token_id: z.number().int().nonnegative().optional(),
  vision_start_token_id: z.number().int().nonnegative(),
  vision_end_token_id: z.number().int().nonnegative(),
  bos_token_id: z.number().int().nonnegative().optional(),
  eos_token_id: z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).optional(),
});

export const QWEN2_5_VL_ARCHITECTURE = 'Qwen2_5_VLForConditionalGeneration';

export type QwenVisionConfig = z.infer<typeof VisionSchema>;
export type QwenTextConfig = z.infer<typeof TextSchema>;

export interface Qwen25VlConfig {
  text: QwenTextConfig;
  vision: QwenVisionConfig;
  tokens: z.infer<typeof TokenIdsSchema>;
  /** Derived: per-head width of the decoder and of the vision tower. */
  headDim: number;
  visionHeadDim: number;
  /** The dtype the weights were saved in, as config.json names it. */
  dtype: string;
}

function fail(where: string, path: readonly PropertyKey[], message: string): never {
  throw new Error(`${where}: ${path.map(String).join('.') || '(root)'}: ${message}`);
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string, prefix: string[]): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    fail(where, [...prefix, ...issue.path], issue.message);
  }
  return r.data;
}

/** Reads a Qwen2.5-VL config.json object; every error names the file and the field. */
export function parseQwen25VlConfig(json: unknown, where = 'config.json'): Qwen25VlConfig {
  if (!json || typeof json !== 'object') fail(where, [], 'expected a JSON object');
  const raw = json as Record<string, unknown>;
  const nested =
    raw.text_config && typeof raw.text_config === 'object' ? (raw.text_config as Record<string, unknown>) : undefined;
  const textSource = nested ? { ...raw, ...nested } : raw;
  const text = parseWith(TextSchema, textSource, where, nested ? ['text_config'] : []);
  const vision = parseWith(VisionSchema, raw.vision_config, where, ['vision_config']);
  const tokens = parseWith(TokenIdsSchema, { ...textSource, ...raw }, where, []);
  const headDim = text.hidden_size / text.num_attention_heads;
  const visionHeadDim = vision.hidden_size / vision.num_heads;
  const sections = text.rope_scaling.mrope_section;
  const checks: [boolean, string[], string][] = [
    [
      Number.isInteger(headDim) && headDim % 2 === 0,
      ['hidden_size'],
      `must be an even multiple of num_attention_heads (${text.num_attention_heads})`,
    ],
    [
      text.num_attention_heads % text.num_key_value_heads === 0,
      ['num_key_value_heads'],
      'must divide num_attention_heads',
    ],
    [
      sections.reduce((a, b) => a + b, 0) === headDim / 2,
      ['rope_scaling', 'mrope_section'],
      `must sum to head_dim / 2 = ${headDim / 2}`,
    ],
    [
      Number.isInteger(visionHeadDim) && visionHeadDim % 4 === 0,
      ['vision_config', 'hidden_size'],
      'must be num_heads × a multiple of 4 (2-D rotary)',
    ],
    [
      vision.window_size % (vision.patch_size * vision.spatial_merge_size) === 0,
      ['vision_config', 'window_size'],
      'must be a multiple of patch_size × spatial_merge_size',
    ],
    [
      vision.out_hidden_size === text.hidden_size,
      ['vision_config', 'out_hidden_size'],
      `must equal the decoder's hidden_size (${text.hidden_size})`,
    ],
    [
      vision.fullatt_block_indexes.every((i) => i < vision.depth),
      ['vision_config', 'fullatt_block_indexes'],
      `must be below depth (${vision.depth})`,
    ],
    [
      tokens.image_token_id < text.vocab_size &&
        tokens.vision_start_token_id < text.vocab_size &&
        tokens.vision_end_token_id < text.vocab_size,
      ['image_token_id'],
      `vision token ids must be below vocab_size (${text.vocab_size})`,
    ],
  ];
  for (const [ok, path, message] of checks) if (!ok) fail(where, path, message);
  const dtype = String(raw.torch_dtype ?? raw.dtype ?? nested?.torch_dtype ?? 'float32');
  return { text, vision, tokens, headDim, visionHeadDim, dtype };
}

/** Every tensor a published checkpoint holds for this config, name → shape (PyTorch layouts: Linear [out, in]). */
export function expectedTensorShapes(config: Qwen25VlConfig): Record<string, number[]> {
  const t = config.text;
  const v = config.vision;
  const kv = t.num_key_value_heads * config.headDim;
  const shapes: Record<string, number[]> = {
    'model.embed_tokens.weight': [t.vocab_size, t.hidden_size],
    'model.norm.weight': [t.hidden_size],
  };
  if (!t.tie_word_embeddings) shapes['lm_head.weight'] = [t.vocab_size, t.hidden_size];
  for (let i = 0; i < t.num_hidden_layers; i++) {
    const l = `model.layers.${i}`;
    Object.assign(shapes, {
      [`${l}.input_layernorm.weight`]: [t.hidden_size],
      [`${l}.post_attention_layernorm.weight`]: [t.hidden_size],
      [`${l}.self_attn.q_proj.weight`]: [t.hidden_size, t.hidden_size],
      [`${l}.self_attn.q_proj.bias`]: [t.hidden_size],
      [`${l}.self_attn.k_proj.weight`]: [kv, t.hidden_size],
      [`${l}.self_attn.k_proj.bias`]: [kv],
      [`${l}.self_attn.v_proj.weight`]: [kv, t.hidden_size],
      [`${l}.self_attn.v_proj.bias`]: [kv],
      [`${l}.self_attn.o_proj.weight`]: [t.hidden_size, t.hidden_size],
      [`${l}.mlp.gate_proj.weight`]: [t.intermediate_size, t.hidden_size],
      [`${l}.mlp.up_proj.weight`]: [t.intermediate_size, t.hidden_size],
      [`${l}.mlp.down_proj.weight`]: [t.hidden_size, t.intermediate_size],
    });
  }
  const d = v.hidden_size;
  shapes['visual.patch_embed.proj.weight'] = [d, v.in_chans, v.temporal_patch_size, v.patch_size, v.patch_size];
  for (let i = 0; i < v.depth; i++) {
    const b = `visual.blocks.${i}`;
    Object.assign(shapes, {
      [`${b}.norm1.weight`]: [d],
      [`${b}.norm2.weight`]: [d],
      [`${b}.attn.qkv.weight`]: [3 * d, d],
      [`${b}.attn.qkv.bias`]: [3 * d],
      [`${b}.attn.proj.weight`]: [d, d],
      [`${b}.attn.proj.bias`]: [d],
      [`${b}.mlp.gate_proj.weight`]: [v.intermediate_size, d],
      [`${b}.mlp.gate_proj.bias`]: [v.intermediate_size],
      [`${b}.mlp.up_proj.weight`]: [v.intermediate_size, d],
      [`${b}.mlp.up_proj.bias`]: [v.intermediate_size],
      [`${b}.mlp.down_proj.weight`]: [d, v.intermediate_size],
      [`${b}.mlp.down_proj.bias`]: [d],
    });
  }
  const merged = d * v.spatial_merge_size * v.spatial_merge_size;
  Object.assign(shapes, {
    'visual.merger.ln_q.weight': [d],
    'visual.merger.mlp.0.weight': [merged, merged],
    'visual.merger.mlp.0.bias': [merged],
    'visual.merger.mlp.2.weight': [v.out_hidden_size, merged],
    'visual.merger.mlp.2.bias': [v.out_hidden_size],
  });
  return shapes;
}

/** The sizes memory estimates need. */
export function modelShape(config: Qwen25VlConfig) {
  return {
    parameters: parameterCount(config),
    layers: config.text.num_hidden_layers,
    kvHeads: config.text.num_key_value_heads,
    headDim: config.headDim,
    hidden: config.text.hidden_size,
    intermediate: config.text.intermediate_size,
    vocab: config.text.vocab_size,
  };
}

/** Parameter count of the whole model (vision tower included). */
export function parameterCount(config: Qwen25VlConfig): number {
  let n = 0;
  for (const shape of Object.values(expectedTensorShapes(config))) n += shape.reduce((a, b) => a * b, 1);
  return n;
}
