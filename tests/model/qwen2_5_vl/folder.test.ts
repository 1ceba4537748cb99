// Bad model folders and images: each a clear error naming the file and the tensor or field, before anything is used.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyOfFolder, summarizeModelFolder } from '../../../src/main/model/families';
import { loadQwen25VlFolder, publishedName } from '../../../src/main/model/families/qwen2_5_vl/folder';
import {
  preprocessImageFile,
  roundHalfEven,
  smartResize,
} from '../../../src/main/model/families/qwen2_5_vl/preprocess';
import { writeRandomQwen25Vl } from '../../../src/main/model/families/qwen2_5_vl/random';
import { encodeSafetensors, parseSafetensors } from '../../../src/main/model/runtime/safetensors';

let root: string;
let good: string;

/** A fresh copy of the good folder to break. */
function copy(name: string): string {
  const dir = join(root, name);
  cpSync(good, dir, { recursive: true });
  return dir;
}

/** The shard files the index lists, in order. */
const shards = (dir: string): string[] =>
  [
    ...new Set(
      Object.values(
        JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')).weight_map as Record<
          string,
          string
        >,
      ),
    ),
  ].sort();

const editJson = (path: string, edit: (j: Record<string, any>) => void) => {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'searchlab-qwen-bad-'));
  good = join(root, 'good');
  // several shards, so the index is exercised
  writeRandomQwen25Vl(good, { size: 'tiny', dtype: 'f16', shardBytes: 4 * 1024 * 1024 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('reading a Qwen2.5-VL folder', () => {
  it('reads a sharded F16 folder and reports its family, parameters and size', () => {
    const folder = loadQwen25VlFolder(good);
    expect(folder.weights.get('model.embed_tokens.weight')!.shape).toEqual([151936, 32]);
    expect(folder.generation.eosTokenIds).toEqual([151645, 151643]);
    const summary = summarizeModelFolder(good);
    expect(summary).toMatchObject({
      family: 'qwen2.5-vl',
      architecture: 'Qwen2_5_VLForConditionalGeneration',
      dtype: 'float16',
    });
    expect(summary.parameters).toBe([...folder.weights.values()].reduce((n, w) => n + w.data.length, 0));
    expect(summary.bytesOnDisk).toBeGreaterThan(summary.parameters * 2);
  });

  it('refuses a folder without config.json, naming the supported architectures', () => {
    expect(() => familyOfFolder(root)).toThrow(
      /no config\.json — not a model folder \(supported: SearchLab tiny VLM .*Qwen2\.5-VL/,
    );
  });

  it('refuses an unsupported architecture by name', () => {
    const dir = copy('llava');
    editJson(join(dir, 'config.json'), (j) => {
      j.model_type = 'llava';
      j.architectures = ['LlavaForConditionalGeneration'];
    });
    expect(() => familyOfFolder(dir)).toThrow(
      /config\.json: model_type llava, architectures LlavaForConditionalGeneration is not supported; SearchLab loads/,
    );
  });

  it('names a missing shard the index lists', () => {
    const dir = copy('missing-shard');
    const second = shards(dir)[1];
    unlinkSync(join(dir, second));
    expect(() => loadQwen25VlFolder(dir)).toThrow(
      `model.safetensors.index.json: names shard ${second}, which is missing`,
    );
  });

  it('names a tensor of the wrong shape and its file', () => {
    const dir = copy('bad-shape');
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')).weight_map as Record<
      string,
      string
    >;
    const shard = index['model.layers.0.self_attn.q_proj.weight'];
    const file = join(dir, shard);
    const parsed = parseSafetensors(new Uint8Array(readFileSync(file)));
    const weights = new Map(
      [...parsed.tensors].map(([n, e]) => [
        n,
        { shape: [...e.shape], data: new Float32Array(e.shape.reduce((a, b) => a * b, 1)) },
      ]),
    );
    const name = 'model.layers.0.self_attn.q_proj.weight';
    weights.set(name, { shape: [32, 31], data: new Float32Array(32 * 31) });
    writeFileSync(file, encodeSafetensors(weights, 'F16'));
    expect(() => loadQwen25VlFolder(dir)).toThrow(
      `${shard}: tensor ${name} has shape [32, 31] but config.json implies [32, 32]`,
    );
  });

  it('names a tensor stored as integers', () => {
    const dir = copy('int-tensor');
    const shard = shards(dir).at(-1)!;
    const file = join(dir, shard);
    const buf = readFileSync(file);
    const headerLength = Number(buf.readBigUInt64LE(0));
    const header = buf
      .subarray(8, 8 + headerLength)
      .toString('utf8')
      .replace(/"dtype":"F16"/, '"dtype":"I16"');
    writeFileSync(file, Buffer.concat([buf.subarray(0, 8), Buffer.from(header), buf.subarray(8 + headerLength)]));
    expect(() => loadQwen25VlFolder(dir)).toThrow(
      new RegExp(`${shard}: tensor [\\w.]+: dtype I16 is not a float type \\(BF16, F16 or F32 expected\\)`),
    );
  });

  it('refuses a tokenizer whose vision token ids disagree with config.json', () => {
    const dir = copy('bad-ids');
    editJson(join(dir, 'config.json'), (j) => (j.image_token_id = 151654));
    expect(() => loadQwen25VlFolder(dir)).toThrow(
      /tokenizer\.json: <\|image_pad\|> has id 151655 but config\.json's image_token_id is 151654/,
    );
  });

  it('names a config field that breaks the architecture', () => {
    const dir = copy('bad-config');
    editJson(join(dir, 'config.json'), (j) => (j.rope_scaling.mrope_section = [2, 2, 2]));
    expect(() => loadQwen25VlFolder(dir)).toThrow(
      /config\.json: rope_scaling\.mrope_section: must sum to head_dim \/ 2 = 8/,
    );
    editJson(join(dir, 'config.json'), (j) => delete j.vision_config.window_size);
    expect(() => loadQwen25VlFolder(dir)).toThrow(/config\.json: vision_config\.window_size:/);
  });

  it('reads tensors saved under the newer library names (model.language_model.*, model.visual.*)', () => {
    expect(publishedName('model.language_model.layers.0.mlp.up_proj.weight')).toBe('model.layers.0.mlp.up_proj.weight');
    expect(publishedName('model.visual.blocks.3.attn.qkv.bias')).toBe('visual.blocks.3.attn.qkv.bias');
    expect(publishedName('lm_head.weight')).toBe('lm_head.weight');
  });

  it('reads the text keys under text_config as newer versions save them', () => {
    const dir = copy('nested');
    editJson(join(dir, 'config.json'), (j) => {
      const text: Record<string, unknown> = {};
      for (const k of [
        'vocab_size',
        'hidden_size',
        'intermediate_size',
        'num_hidden_layers',
        'num_attention_heads',
        'num_key_value_heads',
        'rope_scaling',
        'tie_word_embeddings',
      ]) {
        text[k] = j[k];
        delete j[k];
      }
      j.text_config = text;
    });
    expect(loadQwen25VlFolder(dir).config.text.hidden_size).toBe(32);
  });
});

describe("the image processor's limits", () => {
  it('rounds as Python does (half to even) when it resizes', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, -0, 2, 3]);
    // 70 / 28 = 2.5 → 2 (not 3): 56 pixels
    expect(smartResize(70, 140, 28, 56 * 56, 28 * 28 * 1280)).toEqual({ height: 56, width: 140 });
    // over max_pixels: scaled down to fit, multiples of 28
    expect(smartResize(2000, 3000, 28, 3136, 100_000)).toEqual({ height: 252, width: 364 });
  });

  it('refuses a picture smaller than one merged patch, and an extreme aspect ratio', async () => {
    const tiny = await sharp({ create: { width: 20, height: 40, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await expect(preprocessImageFile(tiny, loadQwen25VlFolder(good).preprocessor, 'q1.png')).rejects.toThrow(
      /q1\.png: image is 20×40 pixels; both sides must be at least 28/,
    );
    const strip = await sharp({ create: { width: 6000, height: 29, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await expect(preprocessImageFile(strip, loadQwen25VlFolder(good).preprocessor, 'strip.png')).rejects.toThrow(
      /strip\.png: image is 6000×29 pixels; its aspect ratio must be at most 200/,
    );
    await expect(
      preprocessImageFile(new Uint8Array([1, 2, 3]), loadQwen25VlFolder(good).preprocessor, 'junk.png'),
    ).rejects.toThrow(/junk\.png: cannot decode the image/);
  });
});
