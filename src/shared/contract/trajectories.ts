// The trajectory debugger's API: a run's rollouts paged for virtual lists, one trajectory with its turns and
// tokens, and one GRPO group. Rewards shown are the ones recorded at training time (the run's own spec).
import { z } from 'zod';
import { method } from './define';
import { ToolCallResult } from './search';

const Id = z.number().int().positive();

/** What the policy did in a trajectory: which kinds of search it made. */
export const Behaviour = z.enum(['none', 'image', 'text', 'both']);
export type Behaviour = z.infer<typeof Behaviour>;

export const ConfusionCell = z.object({
  need: z.string(),
  behaviour: Behaviour,
  count: z.number().int(),
  correct: z.number().int(),
});
export type ConfusionCell = z.infer<typeof ConfusionCell>;

export const TrajectorySummary = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  step: z.number().int(),
  groupIndex: z.number().int(),
  sampleIndex: z.number().int(),
  sampleId: z.number().int().nullable(),
  question: z.string().nullable(),
  need: z.string().nullable(),
  endReason: z.string().nullable(),
  finalAnswer: z.string().nullable(),
  turns: z.number().int(),
  imageSearches: z.number().int(),
  textSearches: z.number().int(),
  generatedTokens: z.number().int(),
  total: z.number().nullable(),
  score: z.number().nullable(),
  format: z.number().nullable(),
  advantage: z.number().nullable(),
  /** Every sample of its group got the same reward: the group gives no gradient. */
  zeroVariance: z.boolean(),
  /** Why the reward spec could not score it: its run paused at this step, which was not committed. */
  rewardError: z.string().nullable(),
});
export type TrajectorySummary = z.infer<typeof TrajectorySummary>;

export const TrajectoryFilter = z
  .object({
    runId: Id,
    /** One step, or every step when left out. */
    step: z.number().int().min(0).optional(),
    groupIndex: z.number().int().min(0).optional(),
    zeroVariance: z.boolean().optional(),
    searched: z.boolean().optional(),
    /** Trajectories that made at least one search of this kind (an evaluation's image or text search ratio). */
    searchKind: z.enum(['image', 'text']).optional(),
    correct: z.boolean().optional(),
    /** The sample's search-need label; 'unknown' for unlabelled samples. */
    need: z.string().max(40).optional(),
    /** The sample's data source; 'unknown' for samples without one. */
    dataSource: z.string().max(200).optional(),
    behaviour: Behaviour.optional(),
  })
  .strict();
export type TrajectoryFilter = z.infer<typeof TrajectoryFilter>;

export const TrajectoryListParams = TrajectoryFilter.extend({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
}).strict();

export const StepSummary = z.object({
  step: z.number().int(),
  trajectories: z.number().int(),
  groups: z.number().int(),
  zeroVarianceGroups: z.number().int(),
  rewardMean: z.number().nullable(),
});
export type StepSummary = z.infer<typeof StepSummary>;

export const RewardDetail = z.object({
  specId: z.number().int().nullable(),
  total: z.number(),
  score: z.number().nullable(),
  format: z.number().nullable(),
  penalty: z.number().nullable(),
  advantage: z.number().nullable(),
  variables: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type RewardDetail = z.infer<typeof RewardDetail>;

export const TurnDetail = z.object({
  index: z.number().int(),
  /** What was injected before this turn: the question and instructions, or the tool's output. */
  promptText: z.string().nullable(),
  responseText: z.string(),
  reasoning: z.string().nullable(),
  action: z.string().nullable(),
  actionArg: z.string().nullable(),
  wellFormed: z.boolean(),
  finish: z.string().nullable(),
  latencyMs: z.number().nullable(),
  toolCacheKey: z.string().nullable(),
  toolResult: ToolCallResult.nullable(),
  tokenIds: z.array(z.number().int()),
  logprobs: z.array(z.number()),
});
export type TurnDetail = z.infer<typeof TurnDetail>;

export const TrajectoryDetail = TrajectorySummary.extend({
  sample: z
    .object({
      id: z.number().int(),
      question: z.string(),
      answer: z.string(),
      candidateAnswers: z.array(z.string()),
      imageSha256: z.string().nullable(),
      need: z.string().nullable(),
    })
    .nullable(),
  /** What the cluster logged about an imported rollout: shown when it matched no dataset sample. */
  reference: z
    .object({
      question: z.string().nullable(),
      answer: z.string().nullable(),
      candidateAnswers: z.array(z.string()),
      need: z.string().nullable(),
      /** The image's address or name as the cluster logged it. */
      image: z.string().nullable(),
    })
    .nullable()
    .optional(),
  reward: RewardDetail.nullable(),
  turnList: z.array(TurnDetail),
  /** The whole conversation's tokens, with the loss mask (1 = generated, trained on) and behaviour log-probs. */
  tokens: z.object({
    ids: z.array(z.number().int()),
    lossMask: z.array(z.number().int()),
    logprobs: z.array(z.number()),
    /** Each id decoded alone by the policy's tokenizer; null when its checkpoint's tokenizer cannot be read. */
    texts: z.array(z.string()).nullable(),
  }),
});
export type TrajectoryDetail = z.infer<typeof TrajectoryDetail>;

export const trajectoryMethods = {
  'trajectories.steps': method(
    "A run's steps that have rollouts, with their group statistics",
    z.object({ runId: Id }).strict(),
    z.array(StepSummary),
  ),
  'trajectories.list': method(
    "A page of a run's trajectories (GRPO rollouts or evaluation answers), filtered, in step/group/sample order",
    TrajectoryListParams,
    z.object({ items: z.array(TrajectorySummary), total: z.number().int() }),
  ),
  'trajectories.get': method(
    'One trajectory with its sample, turns, tool results, reward breakdown and tokens',
    z.object({ id: Id }).strict(),
    TrajectoryDetail,
  ),
  'trajectories.confusion': method(
    'Search-need label against what the policy did (no search, image, text, both), at one step or over the run',
    z.object({ runId: Id, step: z.number().int().min(0).optional() }).strict(),
    z.array(ConfusionCell),
  ),
  'trajectories.bySample': method(
    "One sample's trajectories across runs and checkpoints (training steps, evaluations), to compare",
    z.object({ sampleId: Id, limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.array(TrajectorySummary.extend({ runName: z.string(), runKind: z.string() })),
  ),
  'trajectories.group': method(
    'The n samples of one prompt at one step (a GRPO group)',
    z.object({ runId: Id, step: z.number().int().min(0), groupIndex: z.number().int().min(0) }).strict(),
    z.object({
      items: z.array(TrajectorySummary),
      mean: z.number().nullable(),
      std: z.number().nullable(),
      zeroVariance: z.boolean(),
    }),
  ),
};
