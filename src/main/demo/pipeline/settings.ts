// The demo's own settings. The demo lives in its own data folder, so these never touch a user's workspace.
import type { PromptTemplates } from '../../rl';
import type { CreateOptions } from '../../model';
import type { RolloutLimits } from '../../rl';
/**
 * Terse prompts: the tiny model learns the protocol from its SFT conversations, not from instructions, and
 * every prompt token costs time on two CPU cores. (A real model keeps the default, instructive templates.)
 */
export const DEMO_TEMPLATES: PromptTemplates = {
  question: 'Question: {{ question }}',
  afterTool: '<information>{{ tool_output }}</information>{% if is_last_turn %} Answer now.{% endif %}',
};

/**
 * Fewer results than the method's 5 keep conversations short enough for CPU training. One text result: the
 * second was almost never the asked species' page, and the tiny model never read an answer out of it (measured:
 * with two, RAG read the answer from the first document 40 of 60 times and from the second 0 of 3; with one, the
 * quick demo's RAG and GRPO policy gained 5 and 17 points, one run each, and every text search is ~38 tokens shorter).
 */
export const DEMO_SEARCH = { engine: 'local', imageTopK: 3, textTopK: 1 } as const;

/**
 * The tiny model reads image search results as titles only: with thumbnails between the names it did not learn
 * to copy a name out of the list (measured: 0% after 500 steps, against 80% without them, same drill and steps).
 */
export const DEMO_THUMBNAILS = false;

/**
 * Text search results keep their links. Without them (about 17 tokens fewer a result, ~27 s of the quick demo) the
 * one run measured lost the no-penalty ablation's direction (last ten steps searched 0.78 of the time against 0.80
 * with the penalty; with links 0.95 against 0.84, and 0.96 against 0.80). One run each, so not proof; kept.
 */
export const DEMO_LINKS = true;

/**
 * One ONNX Runtime thread per graph: the demo then repeats bit for bit on a machine (with two, some sums split
 * differently from run to run: a small pre-training's losses parted at step 64 from the same seeds), and it is
 * faster on the tiny model's small matrices (measured: the quick demo in 510 s with two running side by side on two
 * cores, each with one thread and both reporting the same figures, against 556 s alone with two threads).
 */
export const DEMO_CPU_THREADS = 1;

/**
 * A tiny VLM sized for the demo: 48-pixel pictures in 8-pixel patches (9 image tokens after the 2×2 merge). At 32
 * pixels (4 tokens) GRPO called unfamiliar look-alikes of familiar species "seen" (a striped hexagon on orange
 * beside a striped triangle on orange); at 48, with look-alike knowledge lessons, it said "seen" about 4–13% of
 * unfamiliar test pictures and the boundary held (README, "The picture boundary").
 */
export const DEMO_MODEL: NonNullable<CreateOptions['config']> = {
  hidden_size: 96,
  intermediate_size: 256,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 24,
  max_position_embeddings: 512,
  vision_config: { image_size: 48, patch_size: 8, hidden_size: 64, intermediate_size: 128, depth: 2, num_heads: 4 },
};

/** The limits the demo evaluates under (GRPO's rollouts take the same turns and searches from the run config). */
export const DEMO_LIMITS: RolloutLimits = {
  maxTurns: 3,
  maxImageSearches: 1,
  maxTextSearches: 2,
  maxTokensPerTurn: 48,
  maxTotalTokens: 160,
  maxPromptTokens: 4096,
};
