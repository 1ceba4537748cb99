import { z } from 'zod';
import { method, NoParams } from './define';
import { SuggestParams, DatasetImportParams, DatasetExportParams, BalanceParams } from './datasets';
import { CorpusIngestParams } from './search';
import { RunJobParams } from './runs';
import { ReplayParams, DecisionProbabilitiesParams } from './replay';
import { RescoreParams } from './reward';
import { EvalRunParams } from './evals';

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type JobStatus = z.infer<typeof JobStatus>;

/** The kinds of long work the engine runs as jobs, and each kind's parameters. */
export const JobParamsByKind = {
  'storage.verify': z
    .object({
      /** Re-hash stored images in batches of this many, each batch committed on its own. */
      batchSize: z.number().int().min(1).max(10_000).default(200),
    })
    .strict(),
  /** Ingest a folder of documents and images into a local search corpus. */
  'corpus.ingest': CorpusIngestParams,
  /** Import a veRL/HF parquet, JSONL or CSV file (or a folder of parquet shards) as a new dataset. */
  'datasets.import': DatasetImportParams,
  /** Export a dataset as veRL parquet or JSONL. */
  'datasets.export': DatasetExportParams,
  /** Build a balanced subset as a new dataset that records its recipe. */
  'datasets.balance': BalanceParams,
  /** Suggest search-need labels from how often a checkpoint answers correctly without search. */
  'datasets.suggest': SuggestParams,
  /** Train a run (GRPO) from its last committed step to its last step. */
  'rl.train': RunJobParams,
  /** Evaluate a checkpoint on a dataset's split, with the baselines if asked (`searchlab eval`); stored. */
  'eval.run': EvalRunParams,
  /** Re-score a run's stored trajectories under an edited reward spec (group advantages recomputed); stored. */
  'reward.rescore': RescoreParams,
  /** Counterfactual replay: force another action at a trajectory's decision point and let a checkpoint continue. */
  'trajectories.replay': ReplayParams,
  /** The probability a checkpoint gives each action tag at a trajectory's decision points. */
  'trajectories.decisions': DecisionProbabilitiesParams,
  /** The demo world from scratch: build it, pre-train the tiny model, GRPO, evaluate against the baselines. */
  'demo.run': z
    .object({
      quick: z.boolean().default(false),
      noSearchPenalty: z.boolean().default(false),
      unbalanced: z.boolean().default(false),
      /** The world's seed (its species, pages and questions); the pre-training and GRPO seeds follow from it. */
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    })
    .strict(),
} as const;
export type JobKind = keyof typeof JobParamsByKind;
export const JobKind = z.enum(Object.keys(JobParamsByKind) as [JobKind, ...JobKind[]]);

export const Job = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  status: JobStatus,
  done: z.number(),
  total: z.number().nullable(),
  /** Seconds left, estimated from the rate so far; null until it can be estimated. */
  etaSeconds: z.number().nullable(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  result: z.unknown().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type Job = z.infer<typeof Job>;

export const jobMethods = {
  'jobs.list': method(
    'Jobs, newest first',
    z.object({ limit: z.number().int().min(1).max(1000).default(50), status: JobStatus.optional() }).strict(),
    z.array(Job),
  ),
  'jobs.get': method('One job', z.object({ id: z.number().int() }).strict(), Job),
  'jobs.start': method(
    'Start a job of a kind with its parameters',
    z.object({ kind: JobKind, params: z.record(z.string(), z.unknown()).default({}) }).strict(),
    Job,
  ),
  'jobs.cancel': method('Ask a running or queued job to stop', z.object({ id: z.number().int() }).strict(), Job),
  'jobs.kinds': method('The job kinds this engine runs', NoParams, z.array(z.string())),
};

export const jobEvents = {
  /** Sent on every change of a job: start, progress (throttled), end. */
  'job.updated': Job,
};
