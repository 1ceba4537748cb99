// A training run's config file (JSON): what to train, on which data, with which search tools, reward and
// GRPO settings. Defaults follow the method's public single-node recipe (DESIGN.md) except where a tiny
// model needs otherwise (learning rate), and every value can be set.
import { z } from 'zod';
import { SearchEngineKind } from '../../../shared/contract';
import { RewardSpec, DEFAULT_REWARD_SPEC } from '../reward/spec';
import { DEFAULT_LIMITS } from '../protocol/limits';
import { DEFAULT_TEMPLATES } from '../protocol/templates';

export const ModelSource = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z.object({ checkpoint: z.number().int().positive() }).strict(),
]);

export const RunConfig = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.enum(['grpo']).default('grpo'),
    model: ModelSource,
    dataset: z.string().min(1),
    split: z.string().default('train'),
    /**
     * Share of training prompts that need search, by their search-need label (null: the dataset as it is). The
     * method balances about 2/3; the paper's ablation trains on mostly search-required data.
     */
    searchRequiredShare: z.number().min(0).max(1).nullable().default(null),
    search: z
      .object({
        engine: SearchEngineKind.default('local'),
        corpus: z.string().nullable().default(null),
        mode: z.enum(['live', 'cache-first', 'replay-only']).default('cache-first'),
        maxCalls: z.number().int().positive().nullable().default(null),
        maxCost: z.number().positive().nullable().default(null),
        /** Show image search thumbnails to the model (off: titles only). */
        thumbnails: z.boolean().default(true),
        /** Show text search results' links to the model (off: titles and summaries only). */
        links: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    rollout: z
      .object({
        groupSize: z.number().int().min(2).max(64).default(4),
        temperature: z.number().min(0).max(5).default(1),
        topP: z.number().gt(0).max(1).default(1),
        maxTurns: z.number().int().min(1).default(DEFAULT_LIMITS.maxTurns),
        maxImageSearches: z.number().int().min(0).default(DEFAULT_LIMITS.maxImageSearches),
        maxTextSearches: z.number().int().min(0).default(DEFAULT_LIMITS.maxTextSearches),
        maxTokensPerTurn: z.number().int().positive().default(DEFAULT_LIMITS.maxTokensPerTurn),
        maxTotalTokens: z.number().int().positive().default(DEFAULT_LIMITS.maxTotalTokens),
        maxPromptTokens: z.number().int().positive().default(DEFAULT_LIMITS.maxPromptTokens),
        templates: z.object({ question: z.string(), afterTool: z.string() }).strict().default(DEFAULT_TEMPLATES),
      })
      .strict()
      .prefault({}),
    reward: RewardSpec.default(DEFAULT_REWARD_SPEC),
    grpo: z
      .object({
        steps: z.number().int().positive(),
        batchPrompts: z.number().int().positive().default(32),
        /** Trajectories per optimizer update. */
        miniBatch: z.number().int().positive().default(8),
        /** Trajectories per forward and backward pass (the rest of a mini-batch accumulates); the mini-batch when unset. */
        microBatch: z.number().int().positive().optional(),
        lr: z.number().positive().default(2e-6),
        warmupSteps: z.number().int().min(0).default(0),
        decay: z.enum(['constant', 'linear', 'cosine']).default('cosine'),
        minLrRatio: z.number().min(0).max(1).default(0.1),
        clipRatio: z.number().positive().default(0.2),
        klCoef: z.number().min(0).default(0.001),
        entropyCoef: z.number().min(0).default(0),
        maxGradNorm: z.number().positive().default(1),
        weightDecay: z.number().min(0).default(0.01),
        /** Training sequence length; longer conversations are cut (their tail is masked out). */
        maxSequenceLength: z.number().int().positive().default(512),
      })
      .strict(),
    runtime: z
      .object({
        /**
         * ONNX Runtime threads per graph on the CPU (null: its choice, one per core). With one, a CPU run repeats bit
         * for bit: two threads split some sums differently from run to run.
         */
        cpuThreads: z.number().int().positive().nullable().default(null),
        /**
         * Where the run's graphs run: 'auto' takes CUDA when its provider loads (else the CPU, with a notice);
         * 'cpu' keeps a run on the CPU on a GPU machine; 'cuda' asks for the GPU (falling back with a notice).
         */
        device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
      })
      .strict()
      .prefault({}),
    checkpointEvery: z.number().int().positive().default(10),
    seed: z.number().int().default(1),
  })
  .strict();
export type RunConfig = z.output<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;

/** Parses a config, naming the field that is wrong. */
export function parseRunConfig(raw: unknown, where = 'config'): RunConfig {
  const parsed = RunConfig.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new Error(`Invalid run config: ${issues.join('; ')}`);
  }
  return parsed.data;
}
