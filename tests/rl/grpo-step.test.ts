// GRPO on a toy problem with the real tiny model: reward 1 when the policy's one-token reply is in the lower half
// of the vocabulary. A handful of GRPO steps must raise the mean reward of fresh samples.
import { describe, expect, it } from 'vitest';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import { Policy } from '../../src/main/model/tiny/policy';
import { generate } from '../../src/main/model/generate/generate';
import { batchAdvantages } from '../../src/main/rl/grpo/advantages';
import { grpoLoss, GRPO_INPUTS } from '../../src/main/rl/grpo/loss';

const config = { vision_config: { image_size: 16, patch_size: 4, depth: 1 }, num_hidden_layers: 1 };

describe('a GRPO step', () => {
  it('raises the mean reward on a toy problem', async () => {
    const model = createTinyVlm({ config, seed: 3 });
    const reference = new Policy(createTinyVlm({ config, seed: 3 }), { device: 'cpu' });
    const policy = new Policy(model, { device: 'cpu' });
    const half = model.config.vocab_size / 2;
    const reward = (token: number) => (token < half ? 1 : 0);
    const prompt = { ids: model.tokenizer.encode('pick one') };
    const groups = 4;
    const groupSize = 8;
    const B = groups * groupSize;
    const T = 16;
    const trainer = await policy.trainer({
      shape: { batch: B, length: T, images: 0 },
      loss: grpoLoss({ clipRatio: 0.2, klCoef: 0.001, entropyCoef: 0 }),
      trainable: 'all',
      optimizer: { lr: 2e-2 },
    });

    const meanReward = async (seed: number) => {
      const { generations } = await generate(policy, Array(64).fill(prompt), {
        maxNewTokens: 1,
        temperature: 1,
        seed,
        stopTokenIds: [],
      });
      return generations.reduce((s, g) => s + reward(g.tokens[0]), 0) / generations.length;
    };
    const before = await meanReward(1000);

    for (let step = 0; step < 20; step++) {
      const { generations } = await generate(policy, Array(B).fill(prompt), {
        maxNewTokens: 1,
        temperature: 1,
        seed: step,
        stopTokenIds: [],
      });
      const rewards = generations.map((g) => reward(g.tokens[0]));
      const { advantages } = batchAdvantages(rewards, groupSize);
      const seqs = generations.map((g) => ({ ids: [...prompt.ids, ...g.tokens] }));
      const at = prompt.ids.length; // the generated token's position
      const mask = new Float32Array(B * T);
      const old = new Float32Array(B * T);
      for (let b = 0; b < B; b++) {
        mask[b * T + at] = 1;
        old[b * T + at] = generations[b].logprobs[0];
      }
      const { logprobs: refRows } = await reference.logprobs(seqs, { length: T });
      const ref = new Float32Array(B * T);
      refRows.forEach((row, b) => ref.set(row, b * T));
      const result = await trainer.step(seqs, {
        [GRPO_INPUTS.mask]: mask,
        [GRPO_INPUTS.old]: old,
        [GRPO_INPUTS.ref]: ref,
        [GRPO_INPUTS.advantages]: Float32Array.from(advantages),
      });
      expect(Number.isFinite(result.loss)).toBe(true);
      // On-policy: the ratio starts at 1, so nothing is clipped on the first pass.
      expect(result.metrics.clip_fraction).toBeCloseTo(0, 3);
    }
    const after = await meanReward(1000);
    expect(before).toBeGreaterThan(0.2);
    expect(before).toBeLessThan(0.8);
    expect(after).toBeGreaterThan(before + 0.25);
    await trainer.release();
    await policy.release();
    await reference.release();
  });
});
