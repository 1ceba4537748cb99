// The tiny VLM's config.json, in the shape of a Hugging Face Qwen2-VL config (field names kept where they mean the
// same thing), and the list of parameters it implies.

import { z } from 'zod';
import type { ParamSpec } from '../train/params';

export const VisionConfigSchema = z.object({
  image_size: z.number().int().positive(),
  patch_size: z.number().int().positive(),
  in_channels: z.literal(3).default(3),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  depth: z.number().int().min(0),
  num_heads: z.number().int().positive(),
  spatial_merge_size: z.number().int().positive(),
  out_hidden_size: z.number().int().positive(),
});

export const TinyVlmConfigSchema = z.object({
  architectures: z.array(z.string()).default(['SearchLabTinyVLForCausalLM']),
  model_type: z.literal('searchlab_tiny_vl'),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive(),
  head_dim: z.number().int().positive(),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(10000),
  max_position_embeddings: z.number().int().positive(),
  tie_word_embeddings: z.boolean().default(true),
  torch_dtype: z.enum(['float32', 'float16', 'bfloat16']).default('float32'),
  image_token_id: z.number().int().nonnegative(),
  vision_start_token_id: z.number().int().nonnegative(),
  vision_end_token_id: z.number().int().nonnegative(),
  eos_token_id: z.number().int().nonnegative(),
  pad_token_id: z.number().int().nonnegative(),
  vision_config: VisionConfigSchema,
});

export type VisionConfig = z.infer<typeof VisionConfigSchema>;
export type TinyVlmConfig = z.infer<typeof TinyVlmConfigSchema>;

export function parseConfig(json: unknown, where = 'config.json'): TinyVlmConfig {
  const r = TinyVlmConfigSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const c = r.data;
  const v = c.vision_config;
  const checks: [boolean, string][] = [
    [
      c.num_attention_heads % c.num_key_value_heads === 0,
      'num_attention_heads must be a multiple of num_key_value_heads',
    ],
    [c.head_dim % 2 === 0, 'head_dim must be even (rotary)'],
    [
      v.image_size % (v.patch_size * v.spatial_merge_size) === 0,
      'vision_config.image_size must be a multiple of patch_size × spatial_merge_size',
    ],
    [v.hidden_size % v.num_heads === 0, 'vision_config.hidden_size must be a multiple of num_heads'],
    [
      c.image_token_id < c.vocab_size && c.eos_token_id < c.vocab_size && c.pad_token_id < c.vocab_size,
      'special token ids must be < vocab_size',
    ],
  ];
  for (const [ok, msg] of checks) if (!ok) throw new Error(`${where}: ${msg}`);
  return c;
}

/** Patches per image side, patches per image, and LM tokens per image (after the spatial merge). */
export function imageGeometry(vision: VisionConfig) {
  const side = vision.image_size / vision.patch_size;
  const patches = side * side;
  const tokens = patches / (vision.spatial_merge_size * vision.spatial_merge_size);
  return { side, patches, tokens };
}

/** Small defaults: a model that trains in seconds on two CPU cores. */
export function tinyConfig(
  tokens: {
    vocabSize: number;
    imageTokenId: number;
    visionStartId: number;
    visionEndId: number;
    eosId: number;
    padId: number;
  },
  overrides: Partial<Omit<TinyVlmConfig, 'vision_config'>> & { vision_config?: Partial<VisionConfig> } = {},
): TinyVlmConfig {
  const { vision_config, ...rest } = overrides;
  return parseConfig({
    model_type: 'searchlab_tiny_vl',
    vocab_size: tokens.vocabSize,
    hidden_size: 64,
    intermediate_size: 176,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 16,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    max_position_embeddings: 1024,
    tie_word_embeddings: true,
    image_token_id: tokens.imageTokenId,
    vision_start_token_id: tokens.visionStartId,
    vision_end_token_id: tokens.visionEndId,
    eos_token_id: tokens.eosId,
    pad_token_id: tokens.padId,
    ...rest,
    vision_config: {
      image_size: 32,
      patch_size: 4,
      hidden_size: 64,
      intermediate_size: 128,
      depth: 2,
      num_heads: 4,
      spatial_merge_size: 2,
      out_hidden_size: rest.hidden_size ?? 64,
      ...vision_config,
    },
  });
}

/** Every linear layer (for LoRA targeting): prefix and its in/out sizes. */
export function linearLayers(config: TinyVlmConfig): { prefix: string; in: number; out: number }[] {
  const out: { prefix: string; in: number; out: number }[] = [];
  const D = config.hidden_size;
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `model.layers.${i}`;
    out.push({ prefix: `${l}.self_attn.q_proj`, in: D, out: config.num_attention_heads * config.head_dim });
    out.push({ prefix: `${l}.self_attn.k_proj`, in: D, out: config.num_key_value_heads * config.head_dim });
    out.push({ prefix: `${l}.self_attn.v_proj`, in: D, out: config.num_key_value_heads * config.head_dim });
    out.push({ prefix: `${l}.self_attn.o_proj`, in: config.num_attention_heads * config.head_dim, out: D });
    out.push({ prefix: `${l}.mlp.gate_proj`, in: D, out: config.intermediate_size });
    out.push({ prefix: `${l}.mlp.up_proj`, in: D, out: config.intermediate_size });
    out.push({ prefix: `${l}.mlp.down_proj`, in: config.intermediate_size, out: D });
  }
  return out;
}

/** The vision tower's weights (every `visual.*` parameter of paramSpecs), e.g. to freeze them. */
export const isVisionWeight = (name: string): boolean => name.startsWith('visual.');

/** The parameters config.json implies, with their initialisation (std 0.02, residual outputs scaled down). */
export function paramSpecs(config: TinyVlmConfig): ParamSpec[] {
  const v = config.vision_config;
  const geo = imageGeometry(v);
  const D = config.hidden_size;
  const Dv = v.hidden_size;
  const merged = Dv * v.spatial_merge_size * v.spatial_merge_size;
  const std = 0.02;
  const resid = std / Math.sqrt(2 * Math.max(1, config.num_hidden_layers));
  const specs: ParamSpec[] = [];
  const w = (name: string, shape: number[], s = std) =>
    specs.push({ name, shape, init: { kind: 'normal', std: s }, decay: true });
  const ones = (name: string, n: number) => specs.push({ name, shape: [n], init: { kind: 'ones' }, decay: false });
  const zeros = (name: string, n: number) => specs.push({ name, shape: [n], init: { kind: 'zeros' }, decay: false });

  {
    w('visual.patch_embed.proj.weight', [Dv, 3 * v.patch_size * v.patch_size]);
    specs.push({
      name: 'visual.pos_embed.weight',
      shape: [geo.patches, Dv],
      init: { kind: 'normal', std },
      decay: false,
    });
    for (let i = 0; i < v.depth; i++) {
      const b = `visual.blocks.${i}`;
      ones(`${b}.norm1.weight`, Dv);
      w(`${b}.attn.qkv.weight`, [3 * Dv, Dv]);
      zeros(`${b}.attn.qkv.bias`, 3 * Dv);
      w(`${b}.attn.proj.weight`, [Dv, Dv], resid);
      zeros(`${b}.attn.proj.bias`, Dv);
      ones(`${b}.norm2.weight`, Dv);
      w(`${b}.mlp.gate_proj.weight`, [v.intermediate_size, Dv]);
      zeros(`${b}.mlp.gate_proj.bias`, v.intermediate_size);
      w(`${b}.mlp.up_proj.weight`, [v.intermediate_size, Dv]);
      zeros(`${b}.mlp.up_proj.bias`, v.intermediate_size);
      w(`${b}.mlp.down_proj.weight`, [Dv, v.intermediate_size], resid);
      zeros(`${b}.mlp.down_proj.bias`, Dv);
    }
    ones('visual.merger.ln_q.weight', Dv);
    w('visual.merger.mlp.0.weight', [merged, merged]);
    zeros('visual.merger.mlp.0.bias', merged);
    w('visual.merger.mlp.2.weight', [v.out_hidden_size, merged]);
    zeros('visual.merger.mlp.2.bias', v.out_hidden_size);
  }
  specs.push({
    name: 'model.embed_tokens.weight',
    shape: [config.vocab_size, D],
    init: { kind: 'normal', std },
    decay: false,
  });
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `model.layers.${i}`;
    ones(`${l}.input_layernorm.weight`, D);
    w(`${l}.self_attn.q_proj.weight`, [config.num_attention_heads * config.head_dim, D]);
    zeros(`${l}.self_attn.q_proj.bias`, config.num_attention_heads * config.head_dim);
    w(`${l}.self_attn.k_proj.weight`, [config.num_key_value_heads * config.head_dim, D]);
    zeros(`${l}.self_attn.k_proj.bias`, config.num_key_value_heads * config.head_dim);
    w(`${l}.self_attn.v_proj.weight`, [config.num_key_value_heads * config.head_dim, D]);
    zeros(`${l}.self_attn.v_proj.bias`, config.num_key_value_heads * config.head_dim);
    w(`${l}.self_attn.o_proj.weight`, [D, config.num_attention_heads * config.head_dim], resid);
    ones(`${l}.post_attention_layernorm.weight`, D);
    w(`${l}.mlp.gate_proj.weight`, [config.intermediate_size, D]);
    w(`${l}.mlp.up_proj.weight`, [config.intermediate_size, D]);
    w(`${l}.mlp.down_proj.weight`, [D, config.intermediate_size], resid);
  }
  ones('model.norm.weight', D);
  if (!config.tie_word_embeddings) w('lm_head.weight', [config.vocab_size, D]);
  return specs;
}

/** name → shape, for validating a checkpoint against config.json. */
export function expectedShapes(config: TinyVlmConfig): Record<string, number[]> {
  return Object.fromEntries(paramSpecs(config).map((s) => [s.name, s.shape]));
}
