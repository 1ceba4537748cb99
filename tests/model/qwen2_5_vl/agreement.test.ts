// The tiny random Qwen2.5-VL folder, read and run by SearchLab (through `searchlab model run`), against independent
// references: the image processor in Pillow + numpy, and the model in float64 loops (reference.ts).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCommand } from '../../../src/main/cli/commands/model';
import { loadQwen25VlFolder, type Qwen25VlFolder } from '../../../src/main/model/families/qwen2_5_vl/folder';
import { preprocessImageFile } from '../../../src/main/model/families/qwen2_5_vl/preprocess';
import { writeRandomQwen25Vl } from '../../../src/main/model/families/qwen2_5_vl/random';
import { Qwen25VlRuntime, type ProbeResult } from '../../../src/main/model/families/qwen2_5_vl/runtime';
import { QwenPolicyModel } from '../../../src/main/model/families/qwen2_5_vl/policy';
import { referenceGreedy, referenceLogits, referenceRopeIndex, referenceVision } from './reference';

const PROCESSOR_REFERENCE = join(__dirname, 'reference_processor.py');

/** A picture with structure at every scale (gradients, a disc, stripes), so resampling and windows matter. */
async function testImage(path: string, width: number, height: number, seed: number) {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const disc = (x - width / 2) ** 2 + (y - height / 3) ** 2 < (height / 4) ** 2;
      rgb[i] = disc ? 230 : (x * 255) / width;
      rgb[i + 1] = ((x + seed * 7) >> 2) % 2 ? 200 : (y * 255) / height;
      rgb[i + 2] = (x * y + seed * 31) % 251;
    }
  await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

let dir: string;
let folder: Qwen25VlFolder;
let probe: ProbeResult;
const image = () => join(dir, 'picture.png');

describe('Qwen2.5-VL (tiny random folder) against independent references', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'searchlab-qwen-'));
    // std 0.2: decisive logits, so greedy tokens are not decided by float rounding
    writeRandomQwen25Vl(join(dir, 'model'), { size: 'tiny', dtype: 'bf16', seed: 7, std: 0.2 });
    await testImage(image(), 150, 100, 1);
    await testImage(join(dir, 'thumb.png'), 60, 90, 2);
    folder = loadQwen25VlFolder(join(dir, 'model'));
    const out: string[] = [];
    const code = await modelCommand.run(
      [
        'run',
        join(dir, 'model'),
        '--image',
        image(),
        '--prompt',
        'Which bird is this?',
        '--max-new-tokens',
        '4',
        '--logits-last',
        '3',
        '--device',
        'cpu',
        '--json',
      ],
      { out: (l) => out.push(l), err: () => undefined, env: {} },
    );
    expect(code).toBe(0);
    probe = JSON.parse(out.join('\n')) as ProbeResult;
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('preprocesses the picture as the published processor does (Pillow + numpy reference)', async () => {
    const refPath = join(dir, 'pixels.json');
    execFileSync('/usr/bin/python3', [
      PROCESSOR_REFERENCE,
      image(),
      join(dir, 'model', 'preprocessor_config.json'),
      refPath,
    ]);
    const ref = JSON.parse(readFileSync(refPath, 'utf8')) as {
      grid: number[];
      shape: number[];
      pixel_values: number[];
    };
    const ours = await preprocessImageFile(readFileSync(image()), folder.preprocessor);
    // 150×100 → 140×112: 10 × 8 patches, several 4×4-patch windows, the last ones partial
    expect(ref.grid).toEqual([1, 8, 10]);
    expect(ours.grid).toEqual(ref.grid);
    expect(probe.image_grid_thw).toEqual([ref.grid]);
    expect(ours.pixels.length).toBe(ref.pixel_values.length);
    let worst = 0;
    for (let i = 0; i < ref.pixel_values.length; i++)
      worst = Math.max(worst, Math.abs(ours.pixels[i] - ref.pixel_values[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it("renders the model's chat template and widens the image placeholder to the merged patches", () => {
    const tok = folder.tokenizer;
    const prefix = tok.encode(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<|vision_start|>',
    );
    const suffix = tok.encode('<|vision_end|>Which bird is this?<|im_end|>\n<|im_start|>assistant\n');
    const expected = [...prefix, ...new Array<number>(20).fill(151655), ...suffix];
    expect(probe.input_ids).toEqual(expected);
    expect(prefix.at(-1)).toBe(151652);
    expect(suffix[0]).toBe(151653);
  });

  it("gives the reference's multimodal position ids (3 × T)", () => {
    const ref = referenceRopeIndex(probe.input_ids, probe.image_grid_thw, folder.config);
    expect(probe.position_ids).toEqual(ref.pos);
    // the image's rows and columns: the first image token sits at (start, start, start), the last at (start, start + 3, start + 4)
    const first = probe.input_ids.indexOf(151655);
    expect([0, 1, 2].map((s) => probe.position_ids[s][first + 19] - probe.position_ids[s][first])).toEqual([0, 3, 4]);
  });

  it("computes the float64 reference's logits (relative error < 1e-4) and the same greedy tokens", async () => {
    const ref = await preprocessImageFile(readFileSync(image()), folder.preprocessor);
    const features = referenceVision(folder.weights, folder.config, Float64Array.from(ref.pixels), [ref.grid]);
    const { pos } = referenceRopeIndex(probe.input_ids, probe.image_grid_thw, folder.config);
    const logits = referenceLogits(folder.weights, folder.config, probe.input_ids, pos, features, 3);
    expect(probe.logits_last.length).toBe(3);
    logits.forEach((row, k) => expect(maxRelativeError(probe.logits_last[k], row)).toBeLessThan(1e-4));
    expect(probe.greedy).toEqual(referenceGreedy(folder.weights, folder.config, probe.input_ids, pos, features, 4));
    expect(probe.text).toBe(folder.tokenizer.decode(probe.greedy));
  }, 120_000);

  it("places several images in one conversation (a tool result's thumbnail after an assistant turn)", async () => {
    const runtime = new Qwen25VlRuntime(folder, { device: 'cpu' });
    try {
      const prepared = await runtime.prepare(
        [
          { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Name it.' }] },
          { role: 'assistant', content: '<reason>unsure</reason><search><img></search>' },
          {
            role: 'user',
            content: [
              { type: 'text', text: '<information>' },
              { type: 'image' },
              { type: 'text', text: 'a thrush</information>' },
            ],
          },
        ],
        [
          { bytes: readFileSync(image()), name: 'picture.png' },
          { bytes: readFileSync(join(dir, 'thumb.png')), name: 'thumb.png' },
        ],
      );
      const grids = prepared.images.map((i) => i.grid);
      expect(grids).toEqual([
        [1, 8, 10],
        [1, 6, 4],
      ]);
      const T = prepared.ids.length;
      const ref = referenceRopeIndex(prepared.ids, grids, folder.config);
      expect([0, 1, 2].map((s) => Array.from(prepared.positions.ids.subarray(s * T, (s + 1) * T)))).toEqual(ref.pos);
      const pre = await runtime.prefill(prepared, 2);
      const feats = prepared.images.map((im) =>
        referenceVision(folder.weights, folder.config, Float64Array.from(im.pixels), [im.grid]),
      );
      const D = folder.config.text.hidden_size;
      const joined = {
        rows: feats[0].rows + feats[1].rows,
        cols: D,
        d: Float64Array.from([...feats[0].d, ...feats[1].d]),
      };
      const want = referenceLogits(folder.weights, folder.config, prepared.ids, ref.pos, joined, 2);
      const V = folder.config.text.vocab_size;
      want.forEach((row, k) =>
        expect(maxRelativeError(pre.logits.subarray(k * V, (k + 1) * V), row)).toBeLessThan(1e-4),
      );
    } finally {
      await runtime.release();
    }
  }, 120_000);

  it("decodes rows of different lengths and images in one batch as it decodes each alone (the reference's tokens)", async () => {
    const policy = new QwenPolicyModel(folder, { device: 'cpu' });
    try {
      const picture = await policy.prepareImage(readFileSync(image()));
      const thumb = await policy.prepareImage(readFileSync(join(dir, 'thumb.png')));
      const markup = '<|vision_start|><|image_pad|><|vision_end|>';
      const prompts = [
        {
          ids: policy.encode(`<|im_start|>user\n${markup}Which bird?<|im_end|>\n<|im_start|>assistant\n`, [picture]),
          images: [picture],
        },
        {
          ids: policy.encode(
            '<|im_start|>user\nA question without a picture, a little longer than the others.<|im_end|>\n<|im_start|>assistant\n',
            [],
          ),
          images: [],
        },
        {
          ids: policy.encode(`<|im_start|>user\n${markup}and ${markup}?<|im_end|>\n<|im_start|>assistant\n`, [
            thumb,
            picture,
          ]),
          images: [thumb, picture],
        },
      ];
      const options = { maxNewTokens: 5, temperature: 0, stopTokenIds: [] };
      const together = await policy.generate(prompts, options);
      for (const [b, prompt] of prompts.entries()) {
        const alone = await policy.generate([prompt], options);
        expect(together.generations[b].tokens).toEqual(alone.generations[0].tokens);
      }
      const { pos } = referenceRopeIndex(prompts[0].ids, [[...picture.grid!]], folder.config);
      const features = referenceVision(folder.weights, folder.config, Float64Array.from(picture.pixels), [
        [...picture.grid!],
      ]);
      expect(together.generations[0].tokens).toEqual(
        referenceGreedy(folder.weights, folder.config, prompts[0].ids, pos, features, 5),
      );
      // every row decoded in the same steps: 4 batched runs after the prefills
      expect(together.stats.decodeSteps).toBe(4);
      // three lengths, batches of three and of one: still one vision and one decoder session, weights fed as inputs
      const graphs = await policy.runtime.sessionInputs();
      expect(Object.keys(graphs).sort()).toEqual(['decoder', 'vision']);
      expect(graphs.decoder).toContain('model.layers.0.self_attn.q_proj.weight');
    } finally {
      await policy.release();
    }
  }, 180_000);

  it('scores a sequence in chunks against its own cache as the reference does in one piece', async () => {
    const runtime = new Qwen25VlRuntime(folder, { device: 'cpu' });
    try {
      const prepared = await runtime.prepare(
        [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which bird is this, and where?' }] }],
        [{ bytes: readFileSync(image()), name: 'picture.png' }],
      );
      const T = prepared.ids.length;
      const grid = [...prepared.images[0].grid];
      const { pos } = referenceRopeIndex(prepared.ids, [grid], folder.config);
      const features = referenceVision(folder.weights, folder.config, Float64Array.from(prepared.images[0].pixels), [
        grid,
      ]);
      const rows = referenceLogits(folder.weights, folder.config, prepared.ids, pos, features, T);
      const want = rows.slice(0, T - 1).map((row, t) => {
        const max = row.reduce((m, x) => Math.max(m, x), -Infinity);
        const z = row.reduce((sum, x) => sum + Math.exp(x - max), 0);
        return row[prepared.ids[t + 1]] - max - Math.log(z);
      });
      // chunks of 7 cut through the image's tokens; one chunk of T reads it whole
      for (const chunk of [7, T]) {
        const got = await runtime.tokenLogprobs(prepared, chunk);
        expect(got[0]).toBe(0);
        for (let t = 1; t < T; t++) expect(Math.abs(got[t] - want[t - 1])).toBeLessThan(1e-3);
      }
    } finally {
      await runtime.release();
    }
  }, 120_000);

  it('reads the tied variant (output layer = input embeddings) as the reference does', async () => {
    const tiedDir = join(dir, 'tied');
    writeRandomQwen25Vl(tiedDir, { size: 'tiny', dtype: 'bf16', seed: 8, std: 0.2, tied: true });
    const tied = loadQwen25VlFolder(tiedDir);
    expect(tied.config.text.tie_word_embeddings).toBe(true);
    expect(tied.weights.has('lm_head.weight')).toBe(false);
    const runtime = new Qwen25VlRuntime(tied, { device: 'cpu' });
    try {
      const prepared = await runtime.prepare([{ role: 'user', content: 'Name a bird of the islands.' }], []);
      const { tokens, logitsLast } = await runtime.greedy(prepared, 3, 2);
      const { pos } = referenceRopeIndex(prepared.ids, [], tied.config);
      const none = { rows: 0, cols: tied.config.text.hidden_size, d: new Float64Array(0) };
      const V = tied.config.text.vocab_size;
      referenceLogits(tied.weights, tied.config, prepared.ids, pos, none, 2).forEach((row, k) =>
        expect(maxRelativeError(logitsLast.subarray(k * V, (k + 1) * V), row)).toBeLessThan(1e-4),
      );
      expect(tokens).toEqual(referenceGreedy(tied.weights, tied.config, prepared.ids, pos, none, 3));
    } finally {
      await runtime.release();
    }
  }, 120_000);

  it('holds the weights in the sessions themselves where CUDA would run (initializers) and computes the same', async () => {
    const runtime = new Qwen25VlRuntime(folder, { device: 'cpu', weights: 'initializers' });
    try {
      const picture = { bytes: readFileSync(image()), name: 'picture.png' };
      const prepared = await runtime.prepare(
        [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which bird is this?' }] }],
        [picture],
      );
      const { tokens, logitsLast } = await runtime.greedy(prepared, 4, 2);
      const grid = [...prepared.images[0].grid];
      const { pos } = referenceRopeIndex(prepared.ids, [grid], folder.config);
      const features = referenceVision(folder.weights, folder.config, Float64Array.from(prepared.images[0].pixels), [
        grid,
      ]);
      const V = folder.config.text.vocab_size;
      referenceLogits(folder.weights, folder.config, prepared.ids, pos, features, 2).forEach((row, k) =>
        expect(maxRelativeError(logitsLast.subarray(k * V, (k + 1) * V), row)).toBeLessThan(1e-4),
      );
      expect(tokens).toEqual(referenceGreedy(folder.weights, folder.config, prepared.ids, pos, features, 4));
      const graphs = await runtime.sessionInputs();
      expect(Object.keys(graphs).sort()).toEqual(['decoder', 'vision']);
      for (const names of Object.values(graphs)) expect(names.filter((n) => folder.weights.has(n))).toEqual([]);
    } finally {
      await runtime.release();
    }
  }, 120_000);
});
