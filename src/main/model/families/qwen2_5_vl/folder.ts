// Reading a Qwen2.5-VL folder exactly as published on Hugging Face: config.json, model.safetensors or shards listed
// in model.safetensors.index.json (BF16/F16/F32), tokenizer.json + tokenizer_config.json, the chat template
// (chat_template.json or tokenizer_config.json), preprocessor_config.json and generation_config.json. Everything is
// checked against config.json before anything is kept; errors name the file and the tensor or field.

import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { loadWeights, SafetensorsError, saveWeights, type WeightMap } from '../../runtime/safetensors';
import { TextTokenizer } from '../../tiny/tokenizer';
import { expectedTensorShapes, parseQwen25VlConfig, type Qwen25VlConfig } from './config';
import { PreprocessorConfigSchema, type PreprocessorConfig } from './preprocess';

export interface Qwen25VlFolder {
  dir: string;
  config: Qwen25VlConfig;
  weights: WeightMap;
  tokenizer: TextTokenizer;
  chatTemplate: string;
  preprocessor: PreprocessorConfig;
  generation: { eosTokenIds: number[]; temperature?: number; topP?: number; topK?: number };
}

export function readJson(dir: string, file: string, required = true): Record<string, unknown> | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) {
    if (required) throw new Error(`${dir}: missing ${file}`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** The weight files of a folder; every shard the index names must exist. */
export function weightFiles(dir: string): string[] {
  const index = readJson(dir, 'model.safetensors.index.json', false);
  if (index) {
    const map = index.weight_map as Record<string, string> | undefined;
    if (!map || typeof map !== 'object') throw new Error(`${join(dir, 'model.safetensors.index.json')}: no weight_map`);
    const shards = [...new Set(Object.values(map))];
    for (const shard of shards) {
      if (shard.includes('/') || shard.includes('\\'))
        throw new Error(
          `${join(dir, 'model.safetensors.index.json')}: shard name ${shard} must be a file in the folder`,
        );
      if (!existsSync(join(dir, shard)))
        throw new Error(
          `${join(dir, 'model.safetensors.index.json')}: names shard ${shard}, which is missing from ${dir}`,
        );
    }
    return shards.map((s) => join(dir, s));
  }
  if (!existsSync(join(dir, 'model.safetensors')))
    throw new Error(`${dir}: no model.safetensors or model.safetensors.index.json`);
  return [join(dir, 'model.safetensors')];
}

/** Newer transformers versions save `model.language_model.*` and `model.visual.*`; published folders use the old names. */
export function publishedName(stored: string): string {
  if (stored.startsWith('model.language_model.')) return `model.${stored.slice('model.language_model.'.length)}`;
  if (stored.startsWith('model.visual.')) return stored.slice('model.'.length);
  return stored;
}

function checkTokenizer(tok: TextTokenizer, c: Qwen25VlConfig, dir: string): void {
  const pairs: [string, number, string][] = [
    ['<|image_pad|>', c.tokens.image_token_id, 'image_token_id'],
    ['<|vision_start|>', c.tokens.vision_start_token_id, 'vision_start_token_id'],
    ['<|vision_end|>', c.tokens.vision_end_token_id, 'vision_end_token_id'],
  ];
  for (const [token, id, field] of pairs) {
    const got = tok.tokenId(token);
    if (got !== id)
      throw new Error(
        `${join(dir, 'tokenizer.json')}: ${token} has id ${got ?? 'none'} but config.json's ${field} is ${id}`,
      );
  }
}

function readChatTemplate(dir: string, tokenizerConfig: Record<string, unknown>): string {
  const own = readJson(dir, 'chat_template.json', false);
  const template = own?.chat_template ?? tokenizerConfig.chat_template;
  if (typeof template !== 'string' || !template)
    throw new Error(`${dir}: no chat template (chat_template.json or tokenizer_config.json's chat_template)`);
  return template;
}

function readPreprocessor(dir: string, c: Qwen25VlConfig): PreprocessorConfig {
  const json = readJson(dir, 'preprocessor_config.json');
  const r = PreprocessorConfigSchema.safeParse(json);
  if (!r.success)
    throw new Error(
      `${join(dir, 'preprocessor_config.json')}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`,
    );
  const p = r.data;
  const v = c.vision;
  const checks: [boolean, string][] = [
    [
      p.patch_size === v.patch_size,
      `patch_size ${p.patch_size} disagrees with config.json's vision_config.patch_size ${v.patch_size}`,
    ],
    [
      p.merge_size === v.spatial_merge_size,
      `merge_size ${p.merge_size} disagrees with vision_config.spatial_merge_size ${v.spatial_merge_size}`,
    ],
    [
      p.temporal_patch_size === v.temporal_patch_size,
      `temporal_patch_size ${p.temporal_patch_size} disagrees with vision_config.temporal_patch_size ${v.temporal_patch_size}`,
    ],
    [p.min_pixels <= p.max_pixels, `min_pixels ${p.min_pixels} exceeds max_pixels ${p.max_pixels}`],
  ];
  for (const [ok, message] of checks) if (!ok) throw new Error(`${join(dir, 'preprocessor_config.json')}: ${message}`);
  return p;
}

/** Everything but the weights: cheap checks that run before the (large) weights are read. */
export function readQwen25VlMeta(dir: string) {
  const config = parseQwen25VlConfig(readJson(dir, 'config.json'), join(dir, 'config.json'));
  const tokenizerJson = readJson(dir, 'tokenizer.json')!;
  const tokenizerConfig = readJson(dir, 'tokenizer_config.json')!;
  const tokenizer = new TextTokenizer({ tokenizer: tokenizerJson, config: tokenizerConfig });
  checkTokenizer(tokenizer, config, dir);
  const chatTemplate = readChatTemplate(dir, tokenizerConfig);
  const preprocessor = readPreprocessor(dir, config);
  const gen = readJson(dir, 'generation_config.json', false) ?? {};
  const eos = gen.eos_token_id ?? config.tokens.eos_token_id ?? tokenizer.ids.eos;
  const generation = {
    eosTokenIds: (Array.isArray(eos) ? eos : [eos]).map(Number),
    temperature: typeof gen.temperature === 'number' ? gen.temperature : undefined,
    topP: typeof gen.top_p === 'number' ? gen.top_p : undefined,
    topK: typeof gen.top_k === 'number' ? gen.top_k : undefined,
  };
  return { config, tokenizer, chatTemplate, preprocessor, generation, files: weightFiles(dir) };
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

/** A safetensors file's header alone (names, dtypes, shapes), without reading its data. */
function readHeader(file: string): Record<string, { dtype: string; shape: number[] }> {
  const fd = openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    if (readSync(fd, len, 0, 8, 0) !== 8) throw new Error(`${basename(file)}: too short to be a safetensors file`);
    const n = Number(len.readBigUInt64LE(0));
    if (n <= 0 || n > 100_000_000)
      throw new Error(`${basename(file)}: header length ${n} is not plausible (not a safetensors file?)`);
    const header = Buffer.alloc(n);
    if (readSync(fd, header, 0, n, 8) !== n) throw new Error(`${basename(file)}: header cut short`);
    const parsed = JSON.parse(header.toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
    delete parsed.__metadata__;
    return parsed;
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a folder without reading its weights: config, tokenizer, chat template, preprocessor, every shard present,
 * and every tensor's name, float dtype and shape from the files' headers. Returns what `loadQwen25VlFolder` would.
 */
export function checkQwen25VlFolder(dir: string) {
  const meta = readQwen25VlMeta(dir);
  const expected = expectedTensorShapes(meta.config);
  const found = new Map<string, { dtype: string; shape: number[]; file: string }>();
  for (const file of meta.files)
    for (const [stored, t] of Object.entries(readHeader(file)))
      found.set(publishedName(stored), { ...t, file: basename(file) });
  for (const [name, shape] of Object.entries(expected)) {
    const t = found.get(name);
    if (!t) throw new Error(`${dir}: missing tensor ${name} in ${meta.files.map((f) => basename(f)).join(', ')}`);
    if (!FLOAT_DTYPES.has(t.dtype))
      throw new Error(`${join(dir, t.file)}: tensor ${name} has dtype ${t.dtype}; expected BF16, F16 or F32`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new Error(
        `${join(dir, t.file)}: tensor ${name} has shape [${t.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`,
      );
  }
  return meta;
}

/** Loads a whole folder, all or nothing. */
export function loadQwen25VlFolder(dir: string, meta = readQwen25VlMeta(dir)): Qwen25VlFolder {
  let weights: WeightMap;
  try {
    weights = loadWeights(meta.files, { expected: expectedTensorShapes(meta.config), rename: publishedName });
  } catch (e) {
    if (e instanceof SafetensorsError) throw new Error(`${dir}: ${e.message}`);
    throw e;
  }
  return {
    dir,
    config: meta.config,
    weights,
    tokenizer: meta.tokenizer,
    chatTemplate: meta.chatTemplate,
    preprocessor: meta.preprocessor,
    generation: meta.generation,
  };
}

/** The files beside config.json and the weights that a folder's tokenizer, chat template and processor come from. */
const COMPANION_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'chat_template.json',
  'preprocessor_config.json',
  'generation_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
];

/** config.json and the companion files of a folder, read once (a run's folder of origin may be gone when it saves). */
export function readCompanionFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const file of ['config.json', ...COMPANION_FILES])
    if (existsSync(join(dir, file))) files.set(file, readFileSync(join(dir, file)));
  return files;
}

/** config.json saying float32 wherever it names the weights' dtype (transformers 4's torch_dtype, 5's dtype). */
function float32Config(bytes: Buffer, where: string): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const mark = (o: Record<string, unknown>) => {
    o.torch_dtype = 'float32';
    if ('dtype' in o) o.dtype = 'float32';
  };
  mark(json);
  for (const key of ['text_config', 'vision_config']) {
    const sub = json[key];
    if (sub && typeof sub === 'object' && ('dtype' in sub || 'torch_dtype' in sub))
      mark(sub as Record<string, unknown>);
  }
  return json;
}

/**
 * Writes a loaded (and perhaps trained) model as a folder of the published layout: its own tokenizer, chat template
 * and processor files as they were, config.json saying float32, and the weights under their published names in one
 * float32 model.safetensors (a trained model's small updates would be lost in bfloat16). `files`: the folder's
 * config.json and companion files (readCompanionFiles), by default read from its folder now.
 */
export function saveQwen25VlFolder(
  folder: Qwen25VlFolder,
  dir: string,
  files: Map<string, Buffer> = readCompanionFiles(folder.dir),
): void {
  const config = files.get('config.json');
  if (!config) throw new Error(`${folder.dir}: missing config.json`);
  mkdirSync(dir, { recursive: true });
  for (const [file, bytes] of files) if (file !== 'config.json') writeFileSync(join(dir, file), bytes);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(float32Config(config, join(folder.dir, 'config.json')), null, 2),
  );
  saveWeights(join(dir, 'model.safetensors'), folder.weights, 'F32', { format: 'pt' });
}
