// The tiny VLM SearchLab builds itself, behind the policy interface: fixed-size pictures, a fixed number of image
// tokens per picture, and the tiny runtime's batched generation, log-probs and training steps.

import { generate } from '../generate/generate';
import type { PolicyImage, PolicyModel, PolicySequence } from '../policy/types';
import {
  shapedPolicyTrainers,
  type BatchTrainer,
  type PolicyTrainers,
  type TrainablePolicy,
  type TrainingOptions,
} from '../policy/training';
import { ShapedTrainers } from '../train/shaped-trainers';
import { encodeWithImages, type Sequence } from '../tiny/batch';
import type { BatchShape } from '../tiny/graphs';
import { imageToPixels } from '../tiny/pixels';
import type { Policy } from '../tiny/policy';
import { saveTinyVlm } from '../tiny/vlm';

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

/** The tiny VLM as a run trains it: a batch's image slots are its rows × the most images a row of the update holds. */
export class TinyTrainablePolicy implements TrainablePolicy {
  readonly family = 'searchlab-tiny-vl' as const;
  readonly model: TinyPolicyModel;

  constructor(readonly policy: Policy) {
    this.model = new TinyPolicyModel(policy);
  }

  get trainable(): 'all' | 'lora' {
    return this.policy.model.lora ? 'lora' : 'all';
  }

  trainers(options: TrainingOptions, optimizerState: string | null = null): PolicyTrainers {
    const make = async (shape: BatchShape): Promise<BatchTrainer> => {
      const t = await this.policy.trainer({ ...options, shape });
      return {
        trainer: t.trainer,
        step: (b, lr) => t.step(b.rows.map(toSequence), b.extra, lr),
        accumulate: (b, scale) => t.accumulate(b.rows.map(toSequence), b.extra, scale),
        release: () => t.release(),
      };
    };
    const shaped = new ShapedTrainers(make, (s: BatchShape) => `${s.batch}x${s.length}x${s.images}`, optimizerState);
    return shapedPolicyTrainers(shaped, (b) => ({
      batch: b.rows.length,
      length: b.length,
      images: b.imagesPerRow * b.rows.length,
    }));
  }

  async logprobs(rows: readonly PolicySequence[], length: number): Promise<Float32Array[]> {
    return (await this.policy.logprobs(rows.map(toSequence), { length })).logprobs;
  }

  save(dir: string): void {
    saveTinyVlm(this.policy.model, dir);
  }

  device() {
    return this.policy.device();
  }

  release() {
    return this.policy.release();
  }
}
