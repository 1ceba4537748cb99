import { describe, expect, it } from 'vitest';
import { generate, PROTOCOL_STOPS } from '../../src/main/model/generate/generate';
import { sampleToken, seededRandom } from '../../src/main/model/generate/sampling';
import { encodeWithImages } from '../../src/main/model/tiny/batch';
import { colorCorpus, colorSamples, maskRows } from '../../src/main/model/tiny/synthetic';
import { bucketLength, Policy } from '../../src/main/model/tiny/policy';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import { sftLoss } from '../../src/main/model/tiny/losses';
const small = { vision_config: { image_size: 16, patch_size: 4, depth: 1 }, num_hidden_layers: 2 };

describe('sampling', () => {
  const logits = Float32Array.from([1, 3, 2, -1, 0.5]);
  it('greedy, top-k 1 and a tiny top-p all pick the argmax', () => {
    const r = seededRandom(1);
    expect(sampleToken(logits, { temperature: 0 }, r).token).toBe(1);
    for (let i = 0; i < 20; i++) {
      expect(sampleToken(logits, { topK: 1 }, r).token).toBe(1);
      expect(sampleToken(logits, { topP: 0.01 }, r).token).toBe(1);
    }
  });

  it('samples in proportion to softmax(logits / T) and reports that log-prob', () => {
    const r = seededRandom(7);
    const T = 2;
    const p = Array.from(logits, (l) => Math.exp(l / T));
    const z = p.reduce((a, b) => a + b, 0);
    const counts = new Array(5).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const s = sampleToken(logits, { temperature: T }, r);
      counts[s.token]++;
      expect(s.logprob).toBeCloseTo(Math.log(p[s.token] / z), 6);
    }
    counts.forEach((c, k) => expect(Math.abs(c / n - p[k] / z)).toBeLessThan(0.015));
  });

  it('never samples a banned token, and reports the unrestricted log-prob', () => {
    const r = seededRandom(5);
    const banned = new Set([1, 2]);
    const z = Array.from(logits, Math.exp).reduce((a, b) => a + b, 0);
    for (let i = 0; i < 300; i++) {
      const s = sampleToken(logits, { temperature: 1 }, r, banned);
      expect(banned.has(s.token)).toBe(false);
      expect(s.logprob).toBeCloseTo(Math.log(Math.exp(logits[s.token]) / z), 6);
    }
    expect(sampleToken(logits, { temperature: 0 }, r, banned).token).toBe(0);
    expect(sampleToken(logits, { topK: 1 }, r, banned).token).toBe(0);
  });

  it('top-k 2 never returns a token outside the two best', () => {
    const r = seededRandom(3);
    for (let i = 0; i < 200; i++) expect([1, 2]).toContain(sampleToken(logits, { topK: 2 }, r).token);
  });
});

describe('generation', () => {
  it('the KV-cache decode agrees with a full forward over the generated sequence (left-padded batch with images)', async () => {
    const model = createTinyVlm({ config: small, seed: 4 });
    const policy = new Policy(model, { device: 'cpu' });
    const samples = colorSamples(model, 2, 3);
    const prompts = [samples[0].prompt, { ids: model.tokenizer.encode('hello there') }, samples[1].prompt];
    const { generations } = await generate(policy, prompts, {
      maxNewTokens: 12,
      temperature: 1,
      seed: 5,
      stopTokenIds: [],
    });
    for (let b = 0; b < prompts.length; b++) {
      const g = generations[b];
      expect(g.tokens.length).toBe(12);
      const full = { ids: [...prompts[b].ids, ...g.tokens], images: prompts[b].images };
      const { logprobs } = await policy.logprobs([full]);
      const teacher = Array.from(logprobs[0].slice(prompts[b].ids.length));
      teacher.forEach((lp, t) => expect(Math.abs(lp - g.logprobs[t])).toBeLessThan(1e-4));
    }
    await policy.release();
  });

  it('handles one new token, no prompts, and refuses an empty prompt', async () => {
    const model = createTinyVlm({ config: small, seed: 2 });
    const policy = new Policy(model, { device: 'cpu' });
    const prompt = { ids: model.tokenizer.encode('hi') };
    const one = await generate(policy, [prompt, prompt], { maxNewTokens: 1, temperature: 0, stopTokenIds: [] });
    expect(one.generations.map((g) => g.tokens.length)).toEqual([1, 1]);
    expect(one.stats.decodeSteps).toBe(0);
    expect((await generate(policy, [], { maxNewTokens: 4 })).generations).toEqual([]);
    await expect(generate(policy, [{ ids: [] }], { maxNewTokens: 4 })).rejects.toThrow(/prompt 0 is empty/);
    await policy.release();
  });

  it('never generates banned tokens, by default the image placeholder, on both decode paths', async () => {
    const model = createTinyVlm({ config: small, seed: 2 });
    const policy = new Policy(model, { device: 'cpu' });
    const prompt = { ids: model.tokenizer.encode('hi') };
    const free = await generate(policy, [prompt], {
      maxNewTokens: 6,
      temperature: 0,
      stopTokenIds: [],
      bannedTokenIds: [],
    });
    const favourite = free.generations[0].tokens[0];
    for (const tokensPerRun of [1, 3]) {
      const banned = await generate(policy, [prompt], {
        maxNewTokens: 6,
        temperature: 0,
        stopTokenIds: [],
        bannedTokenIds: [favourite],
        tokensPerRun,
      });
      expect(banned.generations[0].tokens).not.toContain(favourite);
      const sampled = await generate(policy, [prompt, prompt, prompt, prompt], {
        maxNewTokens: 24,
        temperature: 3,
        seed: 9,
        stopTokenIds: [],
        tokensPerRun,
      });
      const all = sampled.generations.flatMap((g) => g.tokens);
      expect(all).not.toContain(model.config.image_token_id);
      expect(all).not.toContain(model.config.vision_start_token_id);
    }
    await policy.release();
  });

  it("refuses to run past the model's positions with a clear error", async () => {
    const model = createTinyVlm({ config: { ...small, max_position_embeddings: 32 }, seed: 2 });
    const policy = new Policy(model, { device: 'cpu' });
    const prompt = { ids: model.tokenizer.encode('a fairly long prompt here') };
    await expect(generate(policy, [prompt], { maxNewTokens: 30 })).rejects.toThrow(
      /exceeds the model's max_position_embeddings \(32\)/,
    );
    await expect(policy.logprobs([prompt], { length: 48 })).rejects.toThrow(/batch length 48 exceeds/);
    await policy.release();
  });

  it('several tokens per run: greedy matches one-step decoding and sampled log-probs match a full forward', async () => {
    const model = createTinyVlm({ config: small, seed: 12 });
    const policy = new Policy(model, { device: 'cpu' });
    const samples = colorSamples(model, 2, 8);
    const prompts = [samples[0].prompt, { ids: model.tokenizer.encode('hi') }, samples[1].prompt];
    const one = await generate(policy, prompts, { maxNewTokens: 10, temperature: 0, stopTokenIds: [] });
    const four = await generate(policy, prompts, {
      maxNewTokens: 10,
      temperature: 0,
      stopTokenIds: [],
      tokensPerRun: 4,
    });
    expect(four.stats.decodeSteps).toBe(3); // 9 fed tokens in runs of 4
    for (let b = 0; b < 3; b++) {
      expect(four.generations[b].tokens).toEqual(one.generations[b].tokens);
      four.generations[b].logprobs.forEach((lp, t) =>
        expect(Math.abs(lp - one.generations[b].logprobs[t])).toBeLessThan(1e-4),
      );
    }
    const sampled = await generate(policy, prompts, {
      maxNewTokens: 9,
      temperature: 1,
      seed: 3,
      stopTokenIds: [],
      tokensPerRun: 3,
    });
    const distinct = new Set(sampled.generations.flatMap((g) => g.tokens));
    expect(distinct.size).toBeGreaterThan(5); // random-init model: sampling spreads over the vocabulary
    for (let b = 0; b < 3; b++) {
      const g = sampled.generations[b];
      expect(g.tokens.length).toBe(9);
      const { logprobs } = await policy.logprobs([
        { ids: [...prompts[b].ids, ...g.tokens], images: prompts[b].images },
      ]);
      Array.from(logprobs[0].slice(prompts[b].ids.length)).forEach((lp, t) =>
        expect(Math.abs(lp - g.logprobs[t])).toBeLessThan(1e-4),
      );
    }
    await policy.release();
  });

  it('a trained model answers a batch and stops at the protocol closing tag', async () => {
    const model = createTinyVlm({ corpus: colorCorpus(), merges: 40, config: small, seed: 1 });
    const policy = new Policy(model, { device: 'cpu' });
    const train = colorSamples(model, 16 * 40, 11);
    const T = bucketLength(train[0].full.ids.length, 8);
    const trainer = await policy.trainer({
      shape: { batch: 16, length: T, images: 16 },
      loss: sftLoss,
      trainable: 'all',
      optimizer: { lr: 3e-3, weightDecay: 0 },
    });
    for (let i = 0; i < 40; i++) {
      const batch = train.slice(i * 16, (i + 1) * 16);
      await trainer.step(
        batch.map((s) => s.full),
        { loss_mask: maskRows(batch, T) },
      );
    }
    const test = colorSamples(model, 16, 77);
    const { generations, stats } = await generate(
      policy,
      test.map((s) => s.prompt),
      { maxNewTokens: 16, temperature: 0, stop: PROTOCOL_STOPS },
    );
    const multi = await generate(
      policy,
      test.map((s) => s.prompt),
      { maxNewTokens: 16, temperature: 0, stop: PROTOCOL_STOPS, tokensPerRun: 4 },
    );
    expect(multi.generations.map((g) => g.text)).toEqual(generations.map((g) => g.text));
    expect(multi.generations.map((g) => g.tokens)).toEqual(generations.map((g) => g.tokens));
    let correct = 0;
    for (let b = 0; b < test.length; b++) {
      const g = generations[b];
      expect(g.finish).toBe('stop');
      expect(g.stop).toBe('</answer>');
      expect(g.text.endsWith('</answer>')).toBe(true);
      expect(g.logprobs.length).toBe(g.tokens.length);
      if (g.text === `<answer>${test[b].color}</answer>`) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(14);
    expect(stats.decodeSteps).toBeLessThan(16);

    // a stop string that ends inside the answer cuts the text there
    const cut = await generate(policy, [test[0].prompt], { maxNewTokens: 16, temperature: 0, stop: ['<answer>'] });
    expect(cut.generations[0].text).toBe('<answer>');
    // without stop strings the row runs to <|im_end|>
    const eos = await generate(policy, [test[0].prompt], { maxNewTokens: 16, temperature: 0 });
    expect(eos.generations[0].finish).toBe('eos');
    expect(eos.generations[0].tokens.at(-1)).toBe(model.tokenizer.ids.imEnd);
    expect(encodeWithImages(model.tokenizer, model.config, 'x').length).toBe(1);
    await trainer.release();
    await policy.release();
  }, 60_000);
});
