// The whole-model gradient check: every weight of a very small tiny VLM with LoRA adapters (and the pixels) is a
// float64 input, and
// the gradient of its per-token log-probs is compared with finite differences like any single op.

import type { GradCheckCase } from '../gradcheck/check';
import { ParamSet } from '../train/params';
import type { Tensor } from '../graph/tensor';
import { packBatch } from './batch';
import { policyGraph } from './graphs';
import { createTinyVlm, enableLora } from './vlm';
import { imageGeometry } from './config';

export function tinyModelGradCase(): GradCheckCase {
  const model = createTinyVlm({
    config: {
      hidden_size: 8,
      intermediate_size: 12,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      num_key_value_heads: 1,
      head_dim: 4,
      max_position_embeddings: 16,
      vision_config: {
        image_size: 8,
        patch_size: 4,
        hidden_size: 8,
        intermediate_size: 8,
        depth: 1,
        num_heads: 2,
        out_hidden_size: 8,
      },
    },
    seed: 5,
  });
  // adapters on every decoder projection, so that the LoRA path is checked too
  enableLora(model, { rank: 2, alpha: 4, targets: (p) => p.startsWith('model.layers.') });
  const c = model.config;
  // weights drawn larger than the 0.02 init so that every path carries a visible gradient
  const names = [...model.weights.keys()];
  const per = imageGeometry(c.vision_config).tokens;
  const ids = [c.vision_start_token_id, ...Array(per).fill(c.image_token_id), c.vision_end_token_id, 104, 105, 33];
  const packed = packBatch(
    c,
    [
      { ids, images: [new Float32Array(3 * 64)] },
      { ids: [104, 101, 121], images: [] },
    ],
    { padSide: 'right' },
  );
  const B = packed.batch;
  const T = packed.length;
  const f = packed.feeds;
  const intInput = (name: string, data: BigInt64Array) => ({
    name,
    shape: [B, T],
    kind: 'int' as const,
    values: Array.from(data, Number),
  });
  return {
    name: 'tiny VLM (log-probs)',
    group: 'model',
    inputs: [
      ...names.map((n) => ({ name: n, shape: model.weights.get(n)!.shape })),
      { name: 'pixel_values', shape: [1, 3, 8, 8] },
      intInput('input_ids', f.input_ids),
      intInput('attention_mask', f.attention_mask),
      intInput('position_ids', f.position_ids),
      intInput('image_index', f.image_index!),
    ],
    build: (...xs: Tensor[]) => {
      const bound = new Map(names.map((n, i) => [n, xs[i]]));
      const P = new ParamSet(model.weights, { trainable: 'none', dtype: 'float64', bound, lora: model.lora });
      const [pixels, ids, attentionMask, positions, imageIndex] = xs.slice(names.length);
      return policyGraph(
        P,
        c,
        { batch: B, length: T, images: 1 },
        { ids, attentionMask, positions, pixels, imageIndex },
      ).logprobs;
    },
  };
}
