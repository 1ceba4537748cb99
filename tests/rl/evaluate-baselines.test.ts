// The direct-answering baseline never searches, even when the model writes a search after its forced `<answer>`
// (the parser takes a turn's last action): the real tiny model is taught to do exactly that, then evaluated.
import { TinyPolicyModel, TinyTrainablePolicy } from '../../src/main/model/families/tiny';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { ToolCallResult } from '../../src/shared/contract';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import { Policy } from '../../src/main/model/tiny/policy';
import { compileTemplates, type PromptTemplates } from '../../src/main/rl/protocol/templates';
import { scriptedSequence } from '../../src/main/rl/sft/scripted';
import { trainSft } from '../../src/main/rl/sft/train';
import type { RolloutTools } from '../../src/main/rl/rollout/engine';
import { evaluatePolicies } from '../../src/main/rl/eval/evaluate';

const config = {
  vision_config: { image_size: 16, patch_size: 4, depth: 1 },
  num_hidden_layers: 2,
  max_position_embeddings: 1024,
};
const TERSE: PromptTemplates = {
  question: 'Q: {{ question }}',
  afterTool: '<information>{{ tool_output }}</information>',
};
const wording = {
  direct: '<reason>I know.</reason>',
  imageSearch: '<reason>Look.</reason>',
  textSearch: '<reason>Read.</reason>',
  answerAfterSearch: '<reason>Found.</reason>',
};
// What the model learns to write after the direct baseline's forced opening: an answer, then a search.
const answerThenSearch = `${wording.direct}<answer> Rome<text_search>capital of Tinyland</text_search>`;
const toolText = 'Text search results for "capital of Tinyland":\n\n1. Tinyland\nSummary: The capital is Paris.';

describe('the direct-answering baseline', () => {
  it('ends a turn that searches after its answer without calling the search tool', async () => {
    const model = createTinyVlm({
      config,
      seed: 4,
      corpus: [answerThenSearch, toolText, TERSE.question, TERSE.afterTool],
    });
    const policy = new Policy(model, { device: 'cpu' });
    const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#cc6633' } })
      .png()
      .toBuffer();
    const question = 'What is the capital of Tinyland?';
    const teacher = await scriptedSequence(
      model,
      { question, image },
      [{ response: answerThenSearch }],
      compileTemplates(TERSE),
    );
    await trainSft(new TinyTrainablePolicy(policy), Array(8).fill(teacher), { epochs: 40, batchSize: 4, lr: 3e-3 });

    const queries: string[] = [];
    const tools: RolloutTools = {
      imageSearch: async () => {
        throw new Error('the direct baseline must not search by image');
      },
      textSearch: async (query): Promise<ToolCallResult> => {
        queries.push(query);
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
      },
      image: () => new Uint8Array(),
    };
    const samples = [
      {
        sampleId: 1,
        question,
        image,
        groundTruth: 'Paris',
        candidateAnswers: [],
        need: 'text_search',
        dataSource: 'tiny',
      },
    ];
    const both = await evaluatePolicies(new TinyPolicyModel(policy), samples, {
      policies: ['policy', 'direct'],
      tools,
      templates: TERSE,
      wording,
    });
    // The policy itself (no forced opening) does search: the model really writes the search.
    expect(queries).toEqual(['capital of Tinyland']);
    expect(both.policy.searchesPerQuestion).toBe(1);
    expect(both.direct.searchesPerQuestion).toBe(0);
    expect(both.direct.searchRatio).toBe(0);
    await policy.release();
  });
});
