// The one policy interface the RL stack talks to (rollouts, evaluation, counterfactual replay, decision
// probabilities, label suggestions). Each model family puts its runtime behind it: the tiny VLM SearchLab builds
// itself (families/tiny.ts) and published Qwen2.5-VL checkpoints (families/qwen2_5_vl/policy.ts).

import type { Generation, GenerateOptions, GenerateStats } from '../generate/generate';
import type { TextTokenizer } from '../tiny/tokenizer';

/** An image as a model takes it: its pixel input, and for models with variable resolution its patch grid. */
export interface PolicyImage {
  /** The tiny VLM: [3, S, S]; Qwen2.5-VL: patch rows [t·h·w, 3·T·P·P]. */
  pixels: Float32Array;
  /** [t, h, w] in patches, for models whose image-token count depends on the picture. */
  grid?: readonly [number, number, number];
}

export interface PolicySequence {
  ids: readonly number[];
  /** In order of their image tokens. */
  images?: readonly PolicyImage[];
}

export type ModelFamilyId = 'searchlab-tiny-vl' | 'qwen2.5-vl';

export interface PolicyModel {
  readonly family: ModelFamilyId;
  readonly tokenizer: TextTokenizer;
  /** The longest sequence the model takes (positions). */
  readonly maxPositions: number;
  /** Rows of the output layer: token ids at or above it are not the model's. */
  readonly vocabSize: number;
  /** What the model's chat template puts before the first user turn (Qwen2.5-VL's default system prompt). */
  readonly chatPrefix?: string;
  /** Image bytes (any format sharp reads) → this model's image input. */
  prepareImage(bytes: Uint8Array, name?: string): Promise<PolicyImage>;
  /** Token ids of context text; each `<|vision_start|><|image_pad|><|vision_end|>` is widened for its image. */
  encode(text: string, images: readonly PolicyImage[]): number[];
  /** Continues each prompt (stop tokens, stop strings on decoded text, sampling or greedy). */
  generate(
    prompts: readonly PolicySequence[],
    options: GenerateOptions,
  ): Promise<{ generations: Generation[]; stats: GenerateStats }>;
  /** Per-token log-probs of whole sequences: row b, position t holds log p(ids[t] | ids[<t]) (0 at t = 0). */
  logprobs(seqs: readonly PolicySequence[]): Promise<{ logprobs: Float32Array[] }>;
  release(): Promise<void>;
}
