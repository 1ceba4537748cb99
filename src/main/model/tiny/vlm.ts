// The tiny VLM as a value (config + weights + tokenizer) and its HF-style folder: create, save, load, clone, and
// LoRA adapters. The policy runtime that runs it is policy.ts; its supervised losses are losses.ts.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWeights, saveWeights, type WeightMap } from '../runtime/safetensors';
import { cloneWeights, initWeights, loraSpecs, type LoraConfig } from '../train/params';
import {
  expectedShapes,
  linearLayers,
  paramSpecs,
  parseConfig,
  tinyConfig,
  type TinyVlmConfig,
  type VisionConfig,
} from './config';
import { buildTokenizer, TextTokenizer, type TokenizerFiles } from './tokenizer';

export interface TinyVlm {
  config: TinyVlmConfig;
  weights: WeightMap;
  tokenizer: TextTokenizer;
  /** Set when LoRA adapters are part of `weights`. */
  lora?: LoraConfig;
}

export interface CreateOptions {
  tokenizer?: TokenizerFiles;
  /** Text to learn BPE merges from (when no tokenizer is given). */
  corpus?: readonly string[];
  merges?: number;
  config?: Partial<Omit<TinyVlmConfig, 'vision_config'>> & { vision_config?: Partial<VisionConfig> };
  seed?: number;
}

/** A freshly initialised tiny VLM with its own tokenizer. */
export function createTinyVlm(options: CreateOptions = {}): TinyVlm {
  const files = options.tokenizer ?? buildTokenizer({ corpus: options.corpus, merges: options.merges });
  const tokenizer = new TextTokenizer(files);
  const config = tinyConfig(
    {
      vocabSize: tokenizer.vocabSize,
      imageTokenId: tokenizer.ids.imagePad,
      visionStartId: tokenizer.ids.visionStart,
      visionEndId: tokenizer.ids.visionEnd,
      eosId: tokenizer.ids.eos,
      padId: tokenizer.ids.pad,
    },
    options.config,
  );
  return { config, weights: initWeights(paramSpecs(config), options.seed ?? 0), tokenizer };
}

/** Writes config.json, model.safetensors, tokenizer.json, tokenizer_config.json (and LoRA adapters, if any). */
export function saveTinyVlm(model: TinyVlm, dir: string, dtype: 'F32' | 'F16' | 'BF16' = 'F32'): void {
  mkdirSync(dir, { recursive: true });
  const expected = expectedShapes(model.config);
  const base: WeightMap = new Map([...model.weights].filter(([n]) => n in expected));
  const adapters: WeightMap = new Map([...model.weights].filter(([n]) => !(n in expected)));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      { ...model.config, torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'F16' ? 'float16' : 'bfloat16' },
      null,
      2,
    ),
  );
  saveWeights(join(dir, 'model.safetensors'), base, dtype);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(model.tokenizer.files.tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(model.tokenizer.files.config, null, 2));
  if (adapters.size && model.lora) {
    saveWeights(join(dir, 'adapter_model.safetensors'), adapters, 'F32');
    writeFileSync(
      join(dir, 'adapter_config.json'),
      JSON.stringify({ r: model.lora.rank, lora_alpha: model.lora.alpha, peft_type: 'LORA' }, null, 2),
    );
  }
}

/** Reads a folder written by saveTinyVlm; every tensor is checked against config.json before anything is kept. */
export function loadTinyVlm(dir: string): TinyVlm {
  const read = (f: string) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new Error(`${dir}: missing ${f}`);
    return JSON.parse(readFileSync(p, 'utf8'));
  };
  const config = parseConfig(read('config.json'), join(dir, 'config.json'));
  const tokenizer = new TextTokenizer({ tokenizer: read('tokenizer.json'), config: read('tokenizer_config.json') });
  if (tokenizer.vocabSize > config.vocab_size)
    throw new Error(
      `${dir}: tokenizer has ${tokenizer.vocabSize} tokens but config.json says vocab_size ${config.vocab_size}`,
    );
  const weights = loadWeights([join(dir, 'model.safetensors')], { expected: expectedShapes(config) });
  const model: TinyVlm = { config, weights, tokenizer };
  if (existsSync(join(dir, 'adapter_config.json'))) {
    const ac = read('adapter_config.json') as { r: number; lora_alpha: number };
    const adapters = loadWeights([join(dir, 'adapter_model.safetensors')]);
    const targets = new Set([...adapters.keys()].map((n) => n.replace(/\.lora_[AB]\.weight$/, '')));
    model.lora = { rank: ac.r, alpha: ac.lora_alpha, targets: (p) => targets.has(p) };
    for (const [n, w] of adapters) weights.set(n, w);
  }
  return model;
}

/** An independent copy (e.g. the frozen reference policy for the KL term); the tokenizer is shared. */
export function cloneTinyVlm(model: TinyVlm): TinyVlm {
  return {
    config: structuredClone(model.config),
    weights: cloneWeights(model.weights),
    tokenizer: model.tokenizer,
    lora: model.lora,
  };
}

/** Adds LoRA adapters (A random, B zero) to the targeted projections; the model's output is unchanged. */
export function enableLora(model: TinyVlm, lora: LoraConfig, seed = 1): void {
  const specs = loraSpecs(linearLayers(model.config), lora);
  for (const [n, w] of initWeights(specs, seed)) if (!model.weights.has(n)) model.weights.set(n, w);
  model.lora = lora;
}
