// Evaluations: a checkpoint on a dataset's split, greedy, one answer per question, for the trained policy and the
// method's two baselines (direct answering, always-search RAG), each stored with its trajectories as an eval run.
import { z } from 'zod';
import { method, NoParams } from './define';

export const EvalPolicy = z.enum(['policy', 'direct', 'rag']);
export type EvalPolicy = z.infer<typeof EvalPolicy>;

export const GroupMetrics = z.object({
  questions: z.number().int(),
  accuracy: z.number(),
  searchRatio: z.number(),
  searchesPerQuestion: z.number(),
});
export type GroupMetrics = z.infer<typeof GroupMetrics>;

/** What an evaluation measured; evaluations stored before a field existed read it as absent (shown as "—"). */
export const EvalMetrics = GroupMetrics.extend({
  imageSearchRatio: z.number().optional(),
  textSearchRatio: z.number().optional(),
  searchCost: z.number().optional(),
  rewardMean: z.number().optional(),
  bySource: z.record(z.string(), GroupMetrics).default({}),
  byNeed: z.record(z.string(), GroupMetrics).optional(),
});
export type EvalMetrics = z.infer<typeof EvalMetrics>;

export const EvaluationSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  policy: z.string(),
  checkpointId: z.number().int().nullable(),
  /** The checkpoint's run and step ("pre-trained" checkpoints belong to no run). */
  checkpointRun: z.string().nullable(),
  checkpointStep: z.number().int().nullable(),
  datasetId: z.number().int().nullable(),
  dataset: z.string().nullable(),
  /** The eval run holding the evaluation's trajectories (open it in the debugger). */
  runId: z.number().int().nullable(),
  metrics: EvalMetrics,
  createdAt: z.number(),
});
export type EvaluationSummary = z.infer<typeof EvaluationSummary>;

/** `searchlab eval` as a job: the same code, the same records. */
export const EvalRunParams = z
  .object({
    /** One checkpoint, or several (`checkpointIds`) evaluated one after another and compared side by side. */
    checkpointId: z.number().int().positive().optional(),
    checkpointIds: z.array(z.number().int().positive()).min(1).max(8).optional(),
    dataset: z.string().min(1).max(200),
    /** A split name, or null for every sample. */
    split: z.string().max(100).nullable().default('test'),
    policies: z.array(EvalPolicy).min(1).max(3).default(['policy', 'direct', 'rag']),
    /** The first N questions only. */
    limit: z.number().int().positive().optional(),
    /** The longest model turn, in tokens (the method's 2048 when left out). */
    maxTokensPerTurn: z.number().int().positive().optional(),
  })
  .strict()
  .refine((p) => (p.checkpointId === undefined) !== (p.checkpointIds === undefined), {
    message: 'give checkpointId or checkpointIds (not both)',
  });
export type EvalRunParams = z.infer<typeof EvalRunParams>;

export const CheckpointSummary = z.object({
  id: z.number().int(),
  runId: z.number().int().nullable(),
  runName: z.string().nullable(),
  step: z.number().int(),
  path: z.string(),
});
export type CheckpointSummary = z.infer<typeof CheckpointSummary>;

/** A checkpoint in its run's list: its step, the step's mean reward, the evaluations made of it. */
export const RunCheckpoint = z.object({
  id: z.number().int(),
  step: z.number().int(),
  path: z.string(),
  reward: z.number().nullable(),
  evaluations: z.array(
    z.object({
      id: z.number().int(),
      policy: z.string(),
      dataset: z.string().nullable(),
      accuracy: z.number().nullable(),
      searchRatio: z.number().nullable(),
    }),
  ),
});
export type RunCheckpoint = z.infer<typeof RunCheckpoint>;

const CheckpointId = z.object({ id: z.number().int().positive() }).strict();

export const evalMethods = {
  'evals.list': method('Every stored evaluation with its figures, newest first', NoParams, z.array(EvaluationSummary)),
  'checkpoints.list': method(
    'Every checkpoint (pre-trained ones belong to no run), newest first',
    NoParams,
    z.array(CheckpointSummary),
  ),
  'checkpoints.ofRun': method(
    "A run's checkpoints with their step's reward and their evaluations",
    z.object({ runId: z.number().int().positive() }).strict(),
    z.array(RunCheckpoint),
  ),
  'checkpoints.export': method(
    'Write a checkpoint as a model folder (weights, config, tokenizer, templates) into a new or empty folder',
    CheckpointId.extend({ dir: z.string().min(1).max(4096) }).strict(),
    z.object({ dir: z.string(), files: z.array(z.string()) }),
  ),
  'checkpoints.delete': method(
    'Delete a checkpoint (its files too when inside the data folder); its evaluations stay',
    CheckpointId,
    z.object({ removedFiles: z.boolean() }),
  ),
};
