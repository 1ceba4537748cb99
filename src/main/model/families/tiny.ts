// The tiny VLM SearchLab builds itself, behind the policy interface: fixed-size pictures, a fixed number of image
// tokens per picture, and the tiny runtime's batched generation and log-probs.

import { generate } from '../generate/generate';
import type { PolicyImage, PolicyModel, PolicySequence } from '../policy/types';
import { encodeWithImages, type Sequence } from '../tiny/batch';
import { imageToPixels } from '../tiny/pixels';
import type { Policy } from '../tiny/policy';
const toSequence = (s: PolicySequence): Sequence => ({ ids: [...s.ids], images: s.images?.map((i) => i.pixels) });

export class TinyPolicyModel implements PolicyModel {
  readonly family = 'searchlab-tiny-vl' as const;

  constructor(readonly policy: Policy) {}

  get tokenizer() {
    return this.policy.model.tokenizer;
  }

  get maxPositions() {
    return this.policy.model.config.max_position_embeddings;
  }

  get vocabSize() {
    return this.policy.model.config.vocab_size;
  }

  async prepareImage(bytes: Uint8Array): Promise<PolicyImage> {
    return { pixels: await imageToPixels(bytes, this.policy.model.config.vision_config.image_size) };
  }

  encode(text: string): number[] {
    return encodeWithImages(this.policy.model.tokenizer, this.policy.model.config, text);
  }

  generate(prompts: readonly PolicySequence[], options: Parameters<PolicyModel['generate']>[1]) {
    return generate(this.policy, prompts.map(toSequence), options);
  }

  logprobs(seqs: readonly PolicySequence[]) {
    return this.policy.logprobs(seqs.map(toSequence));
  }

  release() {
    return this.policy.release();
  }
}
