import { describe, expect, it } from 'vitest';
import { cloneTinyVlm, createTinyVlm, Policy } from '../../src/main/model';
import { grpoLoss, LOG_RATIO_CLAMP } from '../../src/main/rl/grpo/loss';

describe('a GRPO loss composed from per-token log-probs', () => {
  it('raises the log-prob of the sequence with positive advantage and lowers the other', async () => {
    const model = createTinyVlm({ config: { vision_config: { image_size: 16, patch_size: 4, depth: 1 } }, seed: 9 });
    const policy = new Policy(model, { device: 'cpu' });
    const enc = (s: string) => ({ ids: model.tokenizer.encode(s) });
    const seqs = [enc('question? <answer>yes</answer>'), enc('question? <answer>no way</answer>')];
    const T = 24;
    const B = 2;
    const promptLen = model.tokenizer.encode('question? ').length;
    const mask = new Float32Array(B * T);
    seqs.forEach((s, b) => s.ids.forEach((_, t) => (mask[b * T + t] = t >= promptLen ? 1 : 0)));
    const flat = async () => {
      const { logprobs } = await policy.logprobs(seqs, { length: T });
      const out = new Float32Array(B * T);
      logprobs.forEach((lp, b) => out.set(lp, b * T));
      return out;
    };
    const total = (lp: Float32Array, b: number) =>
      lp.slice(b * T, (b + 1) * T).reduce((s, v, t) => s + v * mask[b * T + t], 0);
    const before = await flat();
    const reference = new Policy(cloneTinyVlm(model), { device: 'cpu', frozen: true });
    const refFlat = async () => {
      const { logprobs } = await reference.logprobs(seqs, { length: T });
      const out = new Float32Array(B * T);
      logprobs.forEach((lp, b) => out.set(lp, b * T));
      return out;
    };
    expect(Math.abs(total(await refFlat(), 1) - total(before, 1))).toBeLessThan(1e-4);
    await expect(
      reference.trainer({
        shape: { batch: B, length: T, images: 0 },
        loss: grpoLoss({ clipRatio: 0.2, klCoef: 0, entropyCoef: 0 }),
        trainable: 'all',
      }),
    ).rejects.toThrow(/frozen/);
    const trainer = await policy.trainer({
      shape: { batch: B, length: T, images: 0 },
      loss: grpoLoss({ clipRatio: 0.2, klCoef: 0.001, entropyCoef: 0 }),
      trainable: 'all',
      optimizer: { lr: 1e-3 },
    });
    const extra = {
      old_logprobs: before,
      ref_logprobs: before,
      advantages: Float32Array.from([1, -1]),
      loss_mask: mask,
    };
    const first = await trainer.step(seqs, extra);
    expect(first.metrics.kl).toBeCloseTo(0, 6); // policy = reference at the first step
    expect(first.metrics.clip_fraction).toBe(0);
    for (let i = 0; i < 5; i++) await trainer.step(seqs, extra);
    const after = await flat();
    // a frozen copy taken before training (the KL reference) still scores with the old weights
    expect(Math.abs(total(await refFlat(), 0) - total(before, 0))).toBeLessThan(1e-4);
    expect(total(after, 0)).toBeGreaterThan(total(before, 0) + 0.5);
    expect(total(after, 1)).toBeLessThan(total(before, 1) - 0.5);
    const last = await trainer.step(seqs, extra);
    expect(last.metrics.clip_fraction as number).toBeGreaterThan(0); // ratios have left the trust region
    await trainer.release();
    await policy.release();
    await reference.release();
  });

  it("clamps the log-ratio before exp, so a stale old log-prob far below the policy's leaves the step finite", async () => {
    const model = createTinyVlm({ config: { vision_config: { image_size: 16, patch_size: 4, depth: 1 } }, seed: 9 });
    const policy = new Policy(model, { device: 'cpu' });
    const seq = { ids: model.tokenizer.encode('question? <answer>yes</answer>') };
    const T = 24;
    const promptLen = model.tokenizer.encode('question? ').length;
    const mask = Float32Array.from({ length: T }, (_, t) => (t >= promptLen && t < seq.ids.length ? 1 : 0));
    const { logprobs } = await policy.logprobs([seq], { length: T });
    // logπ − logπ_old = 100 on the generated tokens: exp(100) overflows float32, and with a negative advantage the
    // unclipped surrogate is the smaller one, so without the clamp the loss is Infinity and the gradient NaN.
    const stale = Float32Array.from({ length: T }, (_, t) => (mask[t] ? logprobs[0][t] - 100 : 0));
    const trainer = await policy.trainer({
      shape: { batch: 1, length: T, images: 0 },
      loss: grpoLoss({ clipRatio: 0.2, klCoef: 0, entropyCoef: 0 }),
      trainable: 'all',
      optimizer: { lr: 1e-3 },
    });
    const extra = { old_logprobs: stale, advantages: Float32Array.from([-1]), loss_mask: mask };
    const result = await trainer.step([seq], extra);
    // The clamped ratio is exp(20) on every generated token: the loss is its token mean, the surrogate's magnitude.
    expect(result.loss).toBeCloseTo(Math.exp(LOG_RATIO_CLAMP), -3);
    expect(Number.isFinite(result.gradNorm)).toBe(true);
    const after = await policy.logprobs([seq], { length: T });
    expect(after.logprobs[0].every(Number.isFinite)).toBe(true);
    await trainer.release();
    await policy.release();
  });
});
