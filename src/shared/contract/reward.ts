// The reward editor's API: check a spec as it is typed, read back a run's re-scorings under edited specs (made by
// `reward.rescore` jobs, group advantages recomputed, stored), and save a spec as a new version.
import { z } from 'zod';
import { method, NoParams } from './define';

export const RewardSpecInput = z
  .object({
    name: z.string().min(1).max(100),
    expression: z.string().min(1).max(4000),
    constants: z.record(z.string(), z.number()),
    answerMatch: z.enum(['em', 'subem']).default('em'),
  })
  .strict();
export type RewardSpecInput = z.infer<typeof RewardSpecInput>;

export const SavedRewardSpec = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.number().int(),
  expression: z.string(),
  constants: z.record(z.string(), z.number()),
  createdAt: z.number(),
});
export type SavedRewardSpec = z.infer<typeof SavedRewardSpec>;

export const RewardCheck = z.object({
  ok: z.boolean(),
  /** The compiler's message, and where in the expression (0-based character; -1 when not about one place). */
  error: z.object({ message: z.string(), position: z.number().int() }).nullable(),
  variables: z.array(z.string()),
});
export type RewardCheck = z.infer<typeof RewardCheck>;

const Rescored = z.object({
  id: z.number().int(),
  step: z.number().int(),
  groupIndex: z.number().int(),
  sampleIndex: z.number().int(),
  before: z.object({ total: z.number().nullable(), advantage: z.number().nullable() }),
  after: z.object({
    total: z.number(),
    advantage: z.number(),
    score: z.number(),
    format: z.number(),
    penalty: z.number(),
  }),
});
export type Rescored = z.infer<typeof Rescored>;

export const RescoreResult = z.object({
  count: z.number().int(),
  changedRewards: z.number().int(),
  histogram: z.object({
    edges: z.array(z.number()),
    before: z.array(z.number().int()),
    after: z.array(z.number().int()),
  }),
  /** Trajectories whose advantage changes sign (the first `limit`), and how many there are in all. */
  signFlips: z.array(Rescored),
  signFlipCount: z.number().int(),
  pinned: z.array(Rescored),
});
export type RescoreResult = z.infer<typeof RescoreResult>;

/** Re-score every stored trajectory of a run under a spec, recomputing group advantages; the result is stored. */
export const RescoreParams = z.object({ runId: z.number().int().positive(), spec: RewardSpecInput }).strict();

export const StoredRescore = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  spec: RewardSpecInput,
  status: z.string(),
  count: z.number().int(),
  createdAt: z.number(),
});
export type StoredRescore = z.infer<typeof StoredRescore>;

export const rewardMethods = {
  'reward.specs': method(
    'Saved reward specs, the default spec, and the variables and functions an expression may use',
    NoParams,
    z.object({
      specs: z.array(SavedRewardSpec),
      defaultSpec: RewardSpecInput,
      variables: z.record(z.string(), z.string()),
      functions: z.array(z.string()),
    }),
  ),
  'reward.check': method(
    'Compile a spec: its error with the position, or the variables it reads',
    z.object({ spec: RewardSpecInput }).strict(),
    RewardCheck,
  ),
  'reward.rescores': method(
    "A run's stored re-scorings (made by reward.rescore jobs), newest first",
    z.object({ runId: z.number().int().positive(), limit: z.number().int().min(1).max(200).default(20) }).strict(),
    z.array(StoredRescore),
  ),
  'reward.rescored': method(
    'One stored re-scoring against the recorded rewards: histogram before and after, advantages that change sign, the pinned trajectories',
    z
      .object({
        id: z.number().int().positive(),
        pinned: z.array(z.number().int().positive()).max(200).default([]),
        bins: z.number().int().min(2).max(100).default(10),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    RescoreResult.extend({ rescore: StoredRescore }),
  ),
  'reward.save': method(
    'Save a spec as the next version of its name',
    z.object({ spec: RewardSpecInput }).strict(),
    SavedRewardSpec,
  ),
};
