// The models list and the memory check: model folders SearchLab knows, and a refusal that names the numbers
// before a model too large for the machine is read.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsCommand } from '../../../src/main/cli/commands/models';
import { modelShape, parseQwen25VlConfig } from '../../../src/main/model/families/qwen2_5_vl/config';
import { randomConfigJson, writeRandomQwen25Vl } from '../../../src/main/model/families/qwen2_5_vl/random';
import {
  checkMemory,
  checkTrainingMemory,
  inferenceMemory,
  trainingMemory,
} from '../../../src/main/model/policy/memory';
import { openStore } from '../../../src/main/storage';
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
      fits: { inference: true, training: expect.any(Boolean) },
      error: null,
    });
    // training holds the weights several times over, and a micro-batch's logits over the 150k vocabulary
    expect(model.trainingBytes).toBeGreaterThan(4 * model.inferenceBytes);
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
  const check = (name: string, dir: string) => {
    const store = openStore(join(root, `${name}.db`));
    try {
      store.repos.datasets.create({ name: 'd' });
      return validateRunConfig(store, { name: 'r', dataset: 'd', model: { path: dir }, grpo: { steps: 1 } });
    } finally {
      store.close();
    }
  };

  it('is accepted: the folder trains like the tiny VLM', () => {
    const { issues, config } = check('config-ok', join(root, 'qwen'));
    expect(issues).toEqual([]);
    expect(config?.model).toEqual({ path: join(root, 'qwen') });
  });

  it('is refused when the config is checked, on model.path, when a tensor does not fit config.json', () => {
    const dir = join(root, 'qwen-misfit');
    writeRandomQwen25Vl(dir, { size: 'tiny', seed: 2 });
    const configFile = join(dir, 'config.json');
    const json = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...json, intermediate_size: 80 }));
    const { issues, config } = check('config-misfit', dir);
    expect(config).toBeNull();
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'model.path',
        message: expect.stringMatching(/mlp\.gate_proj\.weight has shape .* but config\.json implies/),
      }),
    ]);
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

  it('refuses training that does not fit: weights, gradient and optimizer state in float32, and the activations', () => {
    const threeB = modelShape(parseQwen25VlConfig(randomConfigJson('3b')));
    const run = { batch: 2, length: 2048, reference: true };
    const need = trainingMemory(threeB, run);
    // 3.75B parameters × 4 bytes × (weights, gradient, two moments, three new copies, the KL reference)
    expect(need.weights).toBe(threeB.parameters * 4 * 8);
    expect(() => checkTrainingMemory('Qwen2.5-VL-3B', threeB, run, 64 * 2 ** 30)).toThrow(
      new RegExp(
        String.raw`training Qwen2\.5-VL-3B needs about [\d.]+ GiB \([\d.]+ GiB for the float32 weights, their ` +
          String.raw`gradient, AdamW's moments and the KL reference; activations [\d.]+ GiB for 2 × 2048 tokens\) ` +
          String.raw`but 64\.0 GiB of memory is available; try a smaller model of the family, or training it on veRL`,
      ),
    );
    // the weights fit: a smaller micro-batch or shorter sequences are proposed
    expect(() =>
      checkTrainingMemory('Qwen2.5-VL-3B', threeB, { batch: 64, length: 8192, reference: false }, 200 * 2 ** 30),
    ).toThrow(/try a smaller grpo\.microBatch or grpo\.maxSequenceLength/);
  });
});
