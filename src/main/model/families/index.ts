// Model families: the architectures SearchLab can load from a Hugging Face-style folder, chosen from config.json's
// `model_type` / `architectures`. The tiny VLM SearchLab builds itself and published Qwen2.5-VL checkpoints are two
// families; the rest of the engine asks this module which one a folder holds.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig as parseTinyConfig, expectedShapes as tinyShapes } from '../tiny/config';
import { modelShape, parseQwen25VlConfig, QWEN2_5_VL_ARCHITECTURE } from './qwen2_5_vl/config';
import { inferenceMemory } from '../policy/memory';

export interface ModelFamily {
  id: 'searchlab-tiny-vl' | 'qwen2.5-vl';
  label: string;
  modelTypes: readonly string[];
  architectures: readonly string[];
}

export const FAMILIES: readonly ModelFamily[] = [
  {
    id: 'searchlab-tiny-vl',
    label: 'SearchLab tiny VLM',
    modelTypes: ['searchlab_tiny_vl'],
    architectures: ['SearchLabTinyVLForCausalLM'],
  },
  { id: 'qwen2.5-vl', label: 'Qwen2.5-VL', modelTypes: ['qwen2_5_vl'], architectures: [QWEN2_5_VL_ARCHITECTURE] },
];

export class UnsupportedModelError extends Error {}

const supportedList = () =>
  FAMILIES.map((f) => `${f.label} (model_type ${f.modelTypes.join('/')}, ${f.architectures.join('/')})`).join('; ');

function readConfig(dir: string): Record<string, unknown> {
  const path = join(dir, 'config.json');
  if (!existsSync(path))
    throw new UnsupportedModelError(`${dir}: no config.json — not a model folder (supported: ${supportedList()})`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UnsupportedModelError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** The family of a parsed config.json; an unknown architecture is an error that names what is supported. */
export function familyOfConfig(config: Record<string, unknown>, where = 'config.json'): ModelFamily {
  const type = typeof config.model_type === 'string' ? config.model_type : undefined;
  const archs = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  const hit = FAMILIES.find(
    (f) => (type && f.modelTypes.includes(type)) || archs.some((a) => f.architectures.includes(a)),
  );
  if (!hit)
    throw new UnsupportedModelError(
      `${where}: model_type ${type ?? '(none)'}${archs.length ? `, architectures ${archs.join(', ')}` : ''} ` +
        `is not supported; SearchLab loads ${supportedList()}`,
    );
  return hit;
}

export function familyOfFolder(dir: string): ModelFamily {
  return familyOfConfig(readConfig(dir), join(dir, 'config.json'));
}

export interface ModelFolderSummary {
  path: string;
  family: ModelFamily['id'];
  architecture: string;
  parameters: number;
  /** As config.json names it (float32, bfloat16, …). */
  dtype: string;
  bytesOnDisk: number;
  /** Memory to run it for inference here (batch 1, 8192 tokens): float32 weights, KV cache and activations. */
  inferenceBytes: number;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    if (st.isFile()) total += st.size;
  }
  return total;
}

/** What `searchlab models` lists for a folder: read from config.json alone (weights are not loaded). */
export function summarizeModelFolder(dir: string): ModelFolderSummary {
  const json = readConfig(dir);
  const family = familyOfConfig(json, join(dir, 'config.json'));
  let shape: ReturnType<typeof modelShape>;
  let dtype: string;
  if (family.id === 'qwen2.5-vl') {
    const c = parseQwen25VlConfig(json, join(dir, 'config.json'));
    shape = modelShape(c);
    dtype = c.dtype;
  } else {
    const c = parseTinyConfig(json, join(dir, 'config.json'));
    const parameters = Object.values(tinyShapes(c)).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    shape = {
      parameters,
      layers: c.num_hidden_layers,
      kvHeads: c.num_key_value_heads,
      headDim: c.head_dim,
      hidden: c.hidden_size,
      intermediate: c.intermediate_size,
      vocab: c.vocab_size,
    };
    dtype = c.torch_dtype;
  }
  const architecture = Array.isArray(json.architectures) ? String(json.architectures[0]) : family.architectures[0];
  const length = Math.min(8192, family.id === 'qwen2.5-vl' ? 8192 : Number(json.max_position_embeddings) || 8192);
  return {
    path: dir,
    family: family.id,
    architecture,
    parameters: shape.parameters,
    dtype,
    bytesOnDisk: folderBytes(dir),
    inferenceBytes: inferenceMemory(shape, { batch: 1, length }).total,
  };
}
