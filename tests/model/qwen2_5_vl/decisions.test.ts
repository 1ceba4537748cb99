// Decision points and action probabilities with a tokenizer that splits the protocol's tags into several tokens
// (Qwen's): found in the decoded text, scored as the product of the tag's tokens' probabilities.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQwen25VlFolder } from '../../../src/main/model/families/qwen2_5_vl/folder';
import { QwenPolicyModel } from '../../../src/main/model/families/qwen2_5_vl/policy';
import { writeRandomQwen25Vl } from '../../../src/main/model/families/qwen2_5_vl/random';
import { findDecisionPoints, tagProbabilities } from '../../../src/main/rl/counterfactual/decision-probabilities';
import { runRollouts } from '../../../src/main/rl/rollout/engine';
import { compileTemplates, DEFAULT_TEMPLATES } from '../../../src/main/rl/protocol/templates';

let root: string;
let policy: QwenPolicyModel;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'searchlab-qwen-decisions-'));
  writeRandomQwen25Vl(join(root, 'qwen'), { size: 'tiny', seed: 5 });
  policy = new QwenPolicyModel(loadQwen25VlFolder(join(root, 'qwen')), { device: 'cpu' });
});
afterAll(async () => {
  await policy.release();
  rmSync(root, { recursive: true, force: true });
});

describe('decision probabilities with multi-token tags', () => {
  it("finds the decision after </reason> and scores each action's tag", async () => {
    const tok = policy.tokenizer;
    expect(tok.encode('</reason>').length).toBeGreaterThan(1);
    const picture = await policy.prepareImage(
      await sharp({ create: { width: 56, height: 56, channels: 3, background: '#3080c0' } })
        .png()
        .toBuffer(),
    );
    const context = policy.encode(
      '<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Which bird?<|im_end|>\n<|im_start|>assistant\n',
      [picture],
    );
    const reasoning = tok.encode('<reason>I do not know this one.</reason>\n');
    const action = tok.encode('<search><img></search>');
    const ids = [...context, ...reasoning, ...action];
    const lossMask = ids.map((_, i) => (i >= context.length ? 1 : 0));
    const points = findDecisionPoints(tok, ids, lossMask);
    expect(points).toEqual([
      { turn: 0, position: context.length + reasoning.length, taken: 'image_search', sampled: true },
    ]);

    const [decision] = await tagProbabilities(policy, ids, [picture], points);
    for (const p of Object.values(decision.probabilities)) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    // the image-search tag's probability is the product of the probabilities of the tokens that name it
    // (`<search`; its `>` merges with what follows) in this very sequence
    const tagTokens = tok.encode('<search');
    expect(ids.slice(points[0].position, points[0].position + tagTokens.length)).toEqual(tagTokens);
    const { logprobs } = await policy.logprobs([{ ids, images: [picture] }]);
    let lp = 0;
    for (let j = 0; j < tagTokens.length; j++) lp += logprobs[0][points[0].position + j];
    expect(decision.probabilities.image_search).toBeCloseTo(Math.exp(lp), 6);
  }, 120_000);
});

describe('rollouts on a published model', () => {
  it("open with the folder's own chat template: its default system prompt, then the question", async () => {
    expect(policy.chatPrefix).toBe('<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n');
    const image = await sharp({ create: { width: 56, height: 56, channels: 3, background: '#c08030' } })
      .png()
      .toBuffer();
    const [t] = await runRollouts(
      policy,
      [{ sampleId: 1, question: 'Which bird?', image, groundTruth: 'a thrush', candidateAnswers: [], need: null }],
      {
        groupSize: 1,
        templates: compileTemplates(DEFAULT_TEMPLATES),
        tools: {
          imageSearch: () => Promise.reject(new Error('not expected')),
          textSearch: () => Promise.reject(new Error('not expected')),
          image: () => new Uint8Array(),
        },
        limits: {
          maxTurns: 1,
          maxImageSearches: 0,
          maxTextSearches: 0,
          maxTokensPerTurn: 3,
          maxTotalTokens: 3,
          maxPromptTokens: 4096,
        },
        sampling: { temperature: 0 },
      },
    );
    const system = policy.encode(policy.chatPrefix, []);
    expect(t.ids.slice(0, system.length)).toEqual(system);
    expect(policy.tokenizer.decode(t.ids.slice(system.length, system.length + 3))).toBe('<|im_start|>user\n');
  }, 120_000);
});
