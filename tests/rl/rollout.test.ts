// The rollout engine with the real tiny model: after a short SFT on a scripted two-turn conversation, greedy
// rollouts search, read the tool's output, answer, and record everything training needs.
import { TinyPolicyModel, TinyTrainablePolicy } from '../../src/main/model/families/tiny';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { ToolCallResult } from '../../src/shared/contract';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import { Policy } from '../../src/main/model/tiny/policy';
import { compileTemplates, type PromptTemplates } from '../../src/main/rl/protocol/templates';
import { scriptedSequence } from '../../src/main/rl/sft/scripted';
import { trainSft } from '../../src/main/rl/sft/train';
import { runRollouts, type RolloutTools } from '../../src/main/rl/rollout/engine';

const config = {
  vision_config: { image_size: 16, patch_size: 4, depth: 1 },
  num_hidden_layers: 2,
  max_position_embeddings: 1024,
};
// Short prompts keep the test fast; the rollout engine is the same whatever the wording.
const TERSE: PromptTemplates = {
  question: 'Q: {{ question }}',
  afterTool: '<information>{{ tool_output }}</information>',
};
const templates = compileTemplates(TERSE);
const search = '<reason>Look it up.</reason><text_search>capital of Tinyland</text_search>';
const answer = '<reason>The page says Paris.</reason><answer>Paris</answer>';
const toolText =
  'Text search results for "capital of Tinyland":\n\n1. Tinyland\nLink: https://tiny.example\nSummary: The capital is Paris.';

function toolResult(query: string): ToolCallResult {
  return {
    tool: 'text_search',
    engine: 'local',
    key: `k:${query}`,
    cache: 'miss',
    ok: true,
    text: toolText,
    images: [],
    results: [],
    error: null,
    latencyMs: 1,
    cost: 0,
  };
}

describe('rollouts', () => {
  it('run multi-turn with tool calls, and record a loss mask over exactly the model tokens', async () => {
    const model = createTinyVlm({
      config,
      seed: 2,
      corpus: [search, answer, toolText, TERSE.question, TERSE.afterTool],
    });
    const policy = new Policy(model, { device: 'cpu' });
    const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const sample = { question: 'What is the capital of Tinyland?', image };
    const teacher = await scriptedSequence(
      model,
      sample,
      [{ response: search, tool: { text: toolText, images: [] } }, { response: answer }],
      templates,
    );
    const losses = await trainSft(new TinyTrainablePolicy(policy), Array(8).fill(teacher), {
      epochs: 40,
      batchSize: 4,
      lr: 3e-3,
    });
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 10);

    const queries: string[] = [];
    const tools: RolloutTools = {
      imageSearch: async () => {
        throw new Error('not expected');
      },
      textSearch: async (query) => {
        queries.push(query);
        return toolResult(query);
      },
      image: () => new Uint8Array(),
    };
    const rollouts = await runRollouts(
      new TinyPolicyModel(policy),
      [
        {
          sampleId: 1,
          question: sample.question,
          image,
          groundTruth: 'Paris',
          candidateAnswers: [],
          need: 'text_search',
        },
      ],
      {
        groupSize: 2,
        templates,
        tools,
        sampling: { temperature: 0 },
      },
    );
    expect(rollouts).toHaveLength(2);
    for (const t of rollouts) {
      expect(t.turns.map((turn) => turn.action.kind)).toEqual(['text_search', 'answer']);
      expect(t.turns[1].action).toEqual({ kind: 'answer', answer: 'Paris' });
      expect(t.turns[0].tool?.key).toBe('k:capital of Tinyland');
      expect(t.end).toBe('answered');
      expect(t.turns.every((turn) => turn.wellFormed)).toBe(true);
      const generated = t.turns.reduce((n, turn) => n + turn.tokenIds.length, 0);
      expect(t.lossMask.filter((m) => m === 1)).toHaveLength(generated);
      expect(t.generatedTokens).toBe(generated);
      // The recorded behaviour log-probs are the policy's own at those positions.
      const { logprobs } = await policy.logprobs([{ ids: t.ids, images: t.images.map((i) => i.pixels) }]);
      t.lossMask.forEach((m, i) => {
        if (m === 1) expect(Math.abs(logprobs[0][i] - t.logprobs[i])).toBeLessThan(1e-3);
      });
    }
    expect(queries).toEqual(['capital of Tinyland', 'capital of Tinyland']);
    await policy.release();
  });
});

describe('SFT over conversations of different lengths', () => {
  it('trains each length group at its own shape and still learns them all', async () => {
    const model = createTinyVlm({
      config,
      seed: 5,
      corpus: [search, answer, toolText, TERSE.question, TERSE.afterTool],
    });
    const policy = new Policy(model, { device: 'cpu' });
    const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#cc3366' } })
      .png()
      .toBuffer();
    const short = await scriptedSequence(
      model,
      { question: 'Capital of Tinyland?', image },
      [{ response: answer }],
      templates,
    );
    const long = await scriptedSequence(
      model,
      { question: 'What is the capital of Tinyland?', image },
      [{ response: search, tool: { text: toolText, images: [] } }, { response: answer }],
      templates,
    );
    expect(Math.ceil(long.ids.length / 32)).toBeGreaterThan(Math.ceil(short.ids.length / 32));
    const before = await policy.logprobs([short, long].map((s) => ({ ids: s.ids, images: s.images })));
    const losses = await trainSft(new TinyTrainablePolicy(policy), [...Array(4).fill(short), ...Array(4).fill(long)], {
      epochs: 15,
      batchSize: 4,
      lr: 3e-3,
    });
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 5);
    const after = await policy.logprobs([short, long].map((s) => ({ ids: s.ids, images: s.images })));
    // Both kinds improved: the masked log-likelihood of each rose.
    [short, long].forEach((s, i) => {
      const total = (lp: Float32Array) => s.lossMask.reduce((sum, m, t) => sum + m * lp[t], 0);
      expect(total(after.logprobs[i])).toBeGreaterThan(total(before.logprobs[i]) + 5);
    });
    await policy.release();
  });
});
