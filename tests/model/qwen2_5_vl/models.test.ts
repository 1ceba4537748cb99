// The models list and the memory check: model folders SearchLab knows, and a refusal that names the numbers
// before a model too large for the machine is read.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsCommand } from '../../../src/main/cli/commands/models';
import { modelShape, parseQwen25VlConfig } from '../../../src/main/model/families/qwen2_5_vl/config';
import { randomConfigJson, writeRandomQwen25Vl } from '../../../src/main/model/families/qwen2_5_vl/random';
import { checkMemory, inferenceMemory } from '../../../src/main/model/policy/memory';
import { loadModel } from '../../../src/main/rl/train/model-source';
import { openStore, type Store } from '../../../src/main/storage';
import { validateRunConfig } from '../../../src/main/rl/runs';
import { checkpointOfModelFolder } from '../../../src/main/rl/train/checkpoint-run';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'searchlab-models-'));
  writeRandomQwen25Vl(join(root, 'qwen'), { size: 'tiny' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await modelsCommand.run([...args, '--home', join(root, 'home')], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
  });
  return { code, out, err };
}

describe('searchlab models', () => {
  it('adds a folder once and lists it with its architecture, parameters, dtype, size and memory', async () => {
    const added = await cli(['add', join(root, 'qwen'), '--json']);
    expect(added.code).toBe(0);
    const model = JSON.parse(added.out[0]);
    expect(model).toMatchObject({
      family: 'qwen2.5-vl',
      architecture: 'Qwen2_5_VLForConditionalGeneration',
      dtype: 'bfloat16',
      fits: { inference: true, training: null },
      error: null,
    });
    expect(model.parameters).toBeGreaterThan(9e6);
    expect(model.bytesOnDisk).toBeGreaterThan(2 * model.parameters);
    await cli(['add', join(root, 'qwen')]);
    const listed = JSON.parse((await cli(['--json'])).out[0]);
    expect(listed.map((m: { path: string }) => m.path)).toEqual([join(root, 'qwen')]);
    expect(listed[0].checkpointId).toBe(model.checkpointId);
  });

  it('checks a folder named for evaluation before registering it, and registers a broken one never', () => {
    const broken = join(root, 'broken');
    cpSync(join(root, 'qwen'), broken, { recursive: true });
    const configFile = join(broken, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    config.intermediate_size += 8;
    writeFileSync(configFile, JSON.stringify(config));
    const store = openStore(join(root, 'register.db'));
    try {
      expect(() => checkpointOfModelFolder(store, broken)).toThrow(
        /mlp\.gate_proj\.weight has shape .* but config\.json implies/,
      );
      expect(store.repos.runs.allCheckpoints()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('refuses a folder that is not a model, saying why', async () => {
    await expect(cli(['add', root])).rejects.toThrow(/no config\.json — not a model folder/);
  });
});

describe('a run config naming a Qwen2.5-VL folder', () => {
  it('says training runs on the tiny VLM for now and what to do with this model instead', () => {
    const dir = join(root, 'qwen');
    expect(() => loadModel({} as Store, { path: dir })).toThrow(
      `${dir} holds a Qwen2.5-VL model: SearchLab trains its own tiny VLM for now. Evaluate this model with \`searchlab eval --model ${dir}\``,
    );
  });

  it('is refused when the config is checked, on model.path, before a run exists', () => {
    const store = openStore(join(root, 'config-check.db'));
    try {
      store.repos.datasets.create({ name: 'd' });
      const { issues, config } = validateRunConfig(store, {
        name: 'r',
        dataset: 'd',
        model: { path: join(root, 'qwen') },
        grpo: { steps: 1 },
      });
      expect(config).toBeNull();
      expect(issues).toEqual([
        expect.objectContaining({
          path: 'model.path',
          message: expect.stringContaining('trains its own tiny VLM for now'),
        }),
      ]);
    } finally {
      store.close();
    }
  });
});

describe('the memory check', () => {
  const sevenB = modelShape(parseQwen25VlConfig(randomConfigJson('7b')));

  it('estimates the weights, the KV cache and the activations of a run', () => {
    const need = inferenceMemory(sevenB, { batch: 1, length: 8192 });
    // 8.3B parameters in float32
    expect(need.weights / 4).toBeGreaterThan(8.2e9);
    expect(need.weights / 4).toBeLessThan(8.4e9);
    // 2 (k, v) × 28 layers × 4 kv heads × 8192 × 128 × 4 bytes
    expect(need.kvCache).toBe(2 * 28 * 4 * 8192 * 128 * 4);
    expect(need.total).toBe(need.weights + need.kvCache + need.activations);
  });

  it('refuses a model larger than the memory available, naming the numbers and what would fit', () => {
    expect(() => checkMemory('Qwen2.5-VL-7B', sevenB, { batch: 8, length: 8192 }, 16 * 2 ** 30)).toThrow(
      new RegExp(
        String.raw`Qwen2\.5-VL-7B needs about [\d.]+ GiB \(weights 30\.9 GiB in float32, KV cache [\d.]+ GiB ` +
          String.raw`for 8 × 8192 tokens, activations [\d.]+ GiB\) but 16\.0 GiB of memory is available; ` +
          String.raw`try .*a smaller model of the family`,
      ),
    );
    // a batch that fits is proposed when the weights alone fit
    expect(() => checkMemory('Qwen2.5-VL-7B', sevenB, { batch: 64, length: 4096 }, 40 * 2 ** 30)).toThrow(
      /try a batch of \d+/,
    );
    expect(() =>
      checkMemory('Qwen2.5-VL-7B on the GPU', sevenB, { batch: 1, length: 4096 }, 24 * 2 ** 30, 'GPU memory'),
    ).toThrow(/but 24\.0 GiB of GPU memory is available/);
    expect(checkMemory('Qwen2.5-VL-7B', sevenB, { batch: 1, length: 4096 }, 64 * 2 ** 30).total).toBeLessThan(
      64 * 2 ** 30,
    );
  });
});
