// An SFT run can leave some weights as they are: the demo freezes the vision tower while the model learns to read
// search results, where the picture plays no part and its gradients are noise that Adam would turn into steps.
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

describe('SFT with frozen weights', () => {
  it('trains the language model and leaves every vision weight bit for bit as it was', async () => {
    const model = createTinyVlm({
      config,
      seed: 5,
      corpus: ['<answer>red</answer>', '<answer>blue</answer>', 'Q: which colour'],
    });
    const picture = (colour: string) =>
      sharp({ create: { width: 16, height: 16, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const lessons = [
      await scriptedSequence(
        model,
        { question: 'which colour', image: await picture('#ff0000') },
        [{ response: '<answer>red</answer>' }],
        templates,
      ),
      await scriptedSequence(
        model,
        { question: 'which colour', image: await picture('#0000ff') },
        [{ response: '<answer>blue</answer>' }],
        templates,
      ),
    ];
    const before = new Map([...model.weights].map(([name, w]) => [name, Float32Array.from(w.data)]));
    const isVision = (name: string) => name.startsWith('visual.');
    expect([...before.keys()].filter(isVision).length).toBeGreaterThan(4);

    const policy = new Policy(model, { device: 'cpu' });
    const losses = await trainSft(new TinyTrainablePolicy(policy), Array(8).fill(lessons).flat(), {
      epochs: 10,
      batchSize: 4,
      lr: 3e-3,
      frozen: isVision,
    });
    await policy.release();

    expect(losses.at(-1)!).toBeLessThan(losses[0] / 2);
    const changed = (name: string) => model.weights.get(name)!.data.some((v, i) => v !== before.get(name)![i]);
    expect([...before.keys()].filter((n) => isVision(n) && changed(n))).toEqual([]);
    expect([...before.keys()].filter((n) => !isVision(n) && changed(n)).length).toBeGreaterThan(10);
  });
});
