// SFT weighs every learned token alike, whatever the length of the conversation it is in. Sequences train in
// length groups, so a per-batch mean would weigh a decision in a short conversation several times more than the
// same decision in a long one, and a 50/50 teacher would come out lopsided (the demo's search decision did).
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
import { Policy } from '../../src/main/model/tiny/policy';
import { TinyTrainablePolicy } from '../../src/main/model/families/tiny';
import { compileTemplates } from '../../src/main/rl/protocol/templates';
import { scriptedSequence } from '../../src/main/rl/sft/scripted';
import { trainSft } from '../../src/main/rl/sft/train';

const config = {
  vision_config: { image_size: 16, patch_size: 4, depth: 1 },
  num_hidden_layers: 2,
  max_position_embeddings: 512,
};
const templates = compileTemplates({
  question: 'Q: {{ question }}',
  afterTool: '<information>{{ tool_output }}</information>',
});
const filler = ' and then it goes on for a long while with many more words after the choice was made'.repeat(3);

describe('SFT loss weighting', () => {
  it('learns a choice taught half in short and half in long conversations as half and half', async () => {
    const model = createTinyVlm({
      config,
      seed: 3,
      corpus: ['<answer>yes</answer>', `<answer>no${filler}</answer>`, 'Q: pick one'],
    });
    const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888888' } })
      .png()
      .toBuffer();
    const sample = { question: 'pick one', image };
    const short = await scriptedSequence(model, sample, [{ response: '<answer>yes</answer>' }], templates);
    const long = await scriptedSequence(model, sample, [{ response: `<answer>no${filler}</answer>` }], templates);
    const choice = short.ids.findIndex((id, i) => id !== long.ids[i]);
    expect(long.ids.length - short.ids.length).toBeGreaterThan(32); // different length groups

    const policy = new Policy(model, { device: 'cpu' });
    // The learning rate falls to zero, so the model settles where the loss's weighting puts the choice rather than
    // where the last few batches left it (at a constant rate this model ended at 0.61 on one machine, 0.88 on another).
    await trainSft(new TinyTrainablePolicy(policy), [...Array(8).fill(short), ...Array(8).fill(long)], {
      epochs: 80,
      batchSize: 4,
      lr: 3e-3,
      decay: 'linear',
      minLrRatio: 0,
    });
    const { logprobs } = await policy.logprobs([short, long]);
    const yes = Math.exp(logprobs[0][choice]);
    const no = Math.exp(logprobs[1][choice]);
    expect(yes + no).toBeGreaterThan(0.9);
    expect(yes).toBeGreaterThan(0.35);
    expect(yes).toBeLessThan(0.65); // 0.50 here; 0.98 with a per-batch mean
    await policy.release();
  });
});
