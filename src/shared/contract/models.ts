// Model folders SearchLab knows: the demo's pre-trained model and any Hugging Face-style folder added by path.
import { z } from 'zod';
import { method, NoParams } from './define';

const share = z.number().min(0).max(1);

/** One check of a cold start's skills: after which phase (and extra round), what it found, how long it took. */
export const ColdStartCheck = z.object({
  phase: z.string(),
  round: z.number().int().min(0),
  figures: z.object({
    /** RAG accuracy on training questions about species the model was not taught. */
    copying: share,
    /** Shares of first turns that tell the truth about having seen the species. */
    knowledge: z.object({
      familiarByName: share,
      familiarByPicture: share,
      unfamiliarByName: share,
      unfamiliarByPicture: share,
    }),
    /**
     * Share of pictures of emblems no species wears, each a near twin of a familiar one, that the model calls "not
     * seen": whether the statement generalises to species never met, as the test's are. Reported, not a check.
     */
    unseenLookalikes: share.optional(),
  }),
  copyingPassed: z.boolean(),
  knowledgePassed: z.boolean(),
  seconds: z.number(),
});
export type ColdStartCheck = z.infer<typeof ColdStartCheck>;

/** What a cold start (the demo's pre-training) measured before handing its model to GRPO (pretraining.json). */
export const PretrainingRecord = z.object({
  /** The share each skill had to reach (knowledge: in each of the four groups). */
  thresholds: z.object({ copying: share, knowledge: share }),
  checks: z.array(ColdStartCheck),
  /** Both skills at their thresholds at the last check. */
  passed: z.boolean(),
  /** The extra rounds ran out at some check with a skill still short (it may have caught up by the last). */
  budgetExhausted: z.boolean(),
  extraRounds: z.number().int().min(0),
  /** Seconds spent in extra rounds (training only; measuring is in each check). */
  extraSeconds: z.number(),
  seconds: z.number(),
});
export type PretrainingRecord = z.infer<typeof PretrainingRecord>;

export const ModelFolder = z.object({
  /** The folder's checkpoint (of no run): evaluations and the debugger refer to it by this id. */
  checkpointId: z.number().int(),
  path: z.string(),
  family: z.enum(['searchlab-tiny-vl', 'qwen2.5-vl']).nullable(),
  architecture: z.string().nullable(),
  parameters: z.number().nullable(),
  dtype: z.string().nullable(),
  bytesOnDisk: z.number().nullable(),
  /** Estimated memory to run it (batch 1, 8192 tokens): float32 weights, KV cache, activations. */
  inferenceBytes: z.number().nullable(),
  /** Estimated memory to train it here; null where SearchLab does not train the family yet. */
  trainingBytes: z.number().nullable(),
  /** Where it would run and how much memory that device has. */
  device: z.object({ kind: z.enum(['cpu', 'cuda']), bytes: z.number().nullable() }),
  fits: z.object({ inference: z.boolean().nullable(), training: z.boolean().nullable() }),
  /** Why the folder cannot be used (missing, unreadable, unsupported), instead of its figures. */
  error: z.string().nullable(),
  /** The cold start's checks, for a folder pre-trained by SearchLab (the demo's). */
  pretraining: PretrainingRecord.nullable(),
});
export type ModelFolder = z.infer<typeof ModelFolder>;

/** An absolute path: the engine reads what it names (config, tokenizer, headers), nothing is written there. */
const FolderPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path');

export const modelMethods = {
  'models.list': method(
    'Model folders SearchLab knows, with architecture, parameters, dtype, size and estimated memory against the device',
    NoParams,
    z.array(ModelFolder),
  ),
  'models.add': method(
    'Check a model folder without reading its weights (config, tokenizer, chat template, preprocessor, every ' +
      'tensor header) and add it; the error says exactly what is wrong',
    z.object({ path: FolderPath }).strict(),
    ModelFolder,
  ),
};
