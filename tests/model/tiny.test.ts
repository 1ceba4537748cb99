import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { colorCorpus, colorSamples, COLORS, colorAnswer, maskRows } from '../../src/main/model/tiny/synthetic';
import { bucketLength, Policy } from '../../src/main/model/tiny/policy';
import { createTinyVlm, enableLora, loadTinyVlm, saveTinyVlm } from '../../src/main/model/tiny/vlm';
import { sftLoss } from '../../src/main/model/tiny/losses';
import { encodeSafetensors, parseSafetensors } from '../../src/main/model/runtime/safetensors';
import { encodeWithImages } from '../../src/main/model/tiny/batch';

const dir = mkdtempSync(join(tmpdir(), 'searchlab-tiny-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = { vision_config: { image_size: 16, patch_size: 4, depth: 1 }, num_hidden_layers: 2 };

describe('tiny VLM', () => {
  it('learns to name the colour of an image (loss falls below a tenth, ≥ 90% held-out accuracy)', async () => {
    const model = createTinyVlm({ corpus: colorCorpus(), merges: 40, config: small, seed: 1 });
    const policy = new Policy(model, { device: 'cpu' });
    const B = 16;
    const train = colorSamples(model, 16 * 40, 11);
    const T = bucketLength(train[0].full.ids.length, 8);
    const trainer = await policy.trainer({
      shape: { batch: B, length: T, images: B },
      loss: sftLoss,
      trainable: 'all',
      optimizer: { lr: 3e-3, weightDecay: 0 },
    });
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const batch = train.slice(i * B, (i + 1) * B);
      const r = await trainer.step(
        batch.map((s) => s.full),
        { loss_mask: maskRows(batch, T) },
      );
      losses.push(r.loss);
    }
    const first = losses[0];
    const last = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    expect(first).toBeGreaterThan(3); // ~log V at initialisation
    expect(last).toBeLessThan(first / 10);

    // held-out: pick the colour whose answer has the highest log-probability
    const test = colorSamples(model, 24, 999);
    const names = Object.keys(COLORS);
    let correct = 0;
    for (const s of test) {
      const candidates = names.map((c) => ({
        ids: [...s.prompt.ids, ...model.tokenizer.encode(colorAnswer(c))],
        images: [s.image],
      }));
      const { logprobs } = await policy.logprobs(candidates, { length: T });
      const scores = logprobs.map((lp) => lp.slice(s.prompt.ids.length).reduce((a, b) => a + b, 0));
      if (names[scores.indexOf(Math.max(...scores))] === s.color) correct++;
    }
    expect(correct / test.length).toBeGreaterThanOrEqual(0.9);
    await trainer.release();
    await policy.release();
  }, 60_000);

  it('saves and loads an HF-style folder that reproduces the same log-probs', async () => {
    const model = createTinyVlm({ corpus: colorCorpus(), merges: 10, config: small, seed: 2 });
    const folder = join(dir, 'model');
    saveTinyVlm(model, folder);
    const loaded = loadTinyVlm(folder);
    expect(loaded.config).toEqual(model.config);
    const [s] = colorSamples(model, 1, 5);
    expect(loaded.tokenizer.encode(colorAnswer('red'))).toEqual(model.tokenizer.encode(colorAnswer('red')));
    const a = await new Policy(model, { device: 'cpu' }).logprobs([s.full]);
    const b = await new Policy(loaded, { device: 'cpu' }).logprobs([s.full]);
    expect(Array.from(b.logprobs[0])).toEqual(Array.from(a.logprobs[0]));
    expect(a.logprobs[0][0]).toBe(0);
    expect(a.logprobs[0].slice(1).every((v) => v < 0)).toBe(true);
  });

  it('scores a padded batch with several images per sequence exactly as it scores each sequence alone', async () => {
    const model = createTinyVlm({ config: small, seed: 13 });
    const policy = new Policy(model, { device: 'cpu' });
    const [a, b, c] = colorSamples(model, 3, 4);
    const prompt = (n: number) =>
      encodeWithImages(
        model.tokenizer,
        model.config,
        '<|vision_start|><|image_pad|><|vision_end|>'.repeat(n) + 'same or not?',
      );
    const two = { ids: prompt(2), images: [a.image, b.image] };
    const swapped = { ids: two.ids, images: [b.image, a.image] };
    const one = { ids: prompt(1), images: [c.image] };
    const text = { ids: model.tokenizer.encode('no image at all, a longer text sequence') };
    const batched = await policy.logprobs([two, text, one]);
    const alone = [await policy.logprobs([two]), await policy.logprobs([text]), await policy.logprobs([one])].map(
      (r) => r.logprobs[0],
    );
    batched.logprobs.forEach((lp, i) => lp.forEach((v, t) => expect(v).toBeCloseTo(alone[i][t], 4)));
    // the images matter, and their order does too
    const sw = (await policy.logprobs([swapped])).logprobs[0];
    const last = two.ids.length - 1;
    expect(Math.abs(sw[last] - alone[0][last])).toBeGreaterThan(1e-6);
    await policy.release();
  });

  it('keeps at most maxSessions sessions and rebuilds an evicted one on demand', async () => {
    const model = createTinyVlm({ config: small, seed: 8 });
    const policy = new Policy(model, { device: 'cpu', maxSessions: 2 });
    const seq = { ids: model.tokenizer.encode('abc') };
    const first = await policy.logprobs([seq], { length: 8 });
    await policy.logprobs([seq], { length: 16 });
    await policy.logprobs([seq], { length: 24 });
    expect(policy.sessionCount).toBe(2);
    const again = await policy.logprobs([seq], { length: 8 });
    expect(Array.from(again.logprobs[0])).toEqual(Array.from(first.logprobs[0]));
    expect(policy.sessionCount).toBe(2);
    await policy.release();
  });

  it('refuses a checkpoint whose tensor shape disagrees with config.json', () => {
    const model = createTinyVlm({ config: small, seed: 3 });
    const folder = join(dir, 'bad');
    saveTinyVlm(model, folder);
    const cfg = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    cfg.intermediate_size = 100;
    writeFileSync(join(folder, 'config.json'), JSON.stringify(cfg));
    expect(() => loadTinyVlm(folder)).toThrow(
      /tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[176, 64\] but config\.json implies \[100, 64\]/,
    );
    // and a missing tensor is named
    const st = parseSafetensors(new Uint8Array(readFileSync(join(folder, 'model.safetensors'))));
    const kept = new Map(
      [...st.tensors]
        .filter(([n]) => n !== 'model.norm.weight')
        .map(([n, e]) => [n, { shape: e.shape, data: new Float32Array(e.bytes.slice().buffer) }]),
    );
    writeFileSync(join(folder, 'model.safetensors'), encodeSafetensors(kept));
    cfg.intermediate_size = 176;
    writeFileSync(join(folder, 'config.json'), JSON.stringify(cfg));
    expect(() => loadTinyVlm(folder)).toThrow(/missing tensor model\.norm\.weight/);
  });

  it('trains LoRA adapters on the attention and MLP projections, leaves the base frozen, and round-trips them', async () => {
    // LoRA adapts a trained base: full training on the colour task, then adapters learn to name the colours swapped
    const model = createTinyVlm({ corpus: colorCorpus(), merges: 40, config: small, seed: 6 });
    const policy = new Policy(model, { device: 'cpu' });
    const train = colorSamples(model, 16 * 40, 21);
    const T = bucketLength(train[0].full.ids.length, 8);
    const step = async (t: Awaited<ReturnType<typeof policy.trainer>>, data: typeof train, i: number) => {
      const batch = data.slice(i * 16, (i + 1) * 16);
      return (
        await t.step(
          batch.map((s) => s.full),
          { loss_mask: maskRows(batch, T) },
        )
      ).loss;
    };
    const full = await policy.trainer({
      shape: { batch: 16, length: T, images: 16 },
      loss: sftLoss,
      trainable: 'all',
      optimizer: { lr: 3e-3, weightDecay: 0 },
    });
    for (let i = 0; i < 40; i++) await step(full, train, i);
    await full.release();
    const swap: Record<string, string> = { red: 'blue', blue: 'red', green: 'yellow', yellow: 'green' };
    const swapped = colorSamples(model, 16 * 25, 22, (c) => swap[c]);

    enableLora(model, { rank: 4, alpha: 8, targets: (p) => /(q|k|v|o|gate|up|down)_proj$/.test(p) });
    const base = new Map(
      [...model.weights].filter(([n]) => !n.includes('lora_')).map(([n, w]) => [n, Float32Array.from(w.data)]),
    );
    const lora = await policy.trainer({
      shape: { batch: 16, length: T, images: 16 },
      loss: sftLoss,
      trainable: 'lora',
      optimizer: { lr: 2e-3, weightDecay: 0 },
    });
    expect(lora.trainer.trainableNames.length).toBe(2 * 7 * model.config.num_hidden_layers);
    expect(lora.trainer.trainableNames.every((n) => n.includes('.lora_'))).toBe(true);
    const losses: number[] = [];
    for (let i = 0; i < 25; i++) losses.push(await step(lora, swapped, i));
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 2);
    for (const [n, data] of base) expect(model.weights.get(n)!.data).toEqual(data);

    const folder = join(dir, 'lora');
    saveTinyVlm(model, folder);
    const loaded = loadTinyVlm(folder);
    expect(loaded.lora?.rank).toBe(4);
    const s = train[0].full;
    const a = await policy.logprobs([s]);
    const b = await new Policy(loaded, { device: 'cpu' }).logprobs([s]);
    expect(Array.from(b.logprobs[0])).toEqual(Array.from(a.logprobs[0]));
    await lora.release();
    await policy.release();
  }, 60_000);
});
