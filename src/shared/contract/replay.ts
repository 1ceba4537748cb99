// Counterfactual replay and decision probabilities: at a decision point of a stored trajectory (a model turn
// whose action was a search or an answer), force the other choice and let a checkpoint continue, through the
// search cache (replay-only by default: it costs nothing); and the probability a policy gives each action tag
// right after it closes its reasoning. Both run as jobs (model work stays off the engine's thread); replays are
// stored so a user can come back to them.
import { z } from 'zod';
import { method } from './define';
import { CacheMode } from './search';
import { TurnDetail } from './trajectories';

const Id = z.number().int().positive();

/** The actions a decision can take: the protocol's three. */
export const DecisionAction = z.enum(['answer', 'image_search', 'text_search']);
export type DecisionAction = z.infer<typeof DecisionAction>;

export const ReplayParams = z
  .object({
    trajectoryId: Id,
    /** The decision point: the turn whose action is forced (0-based). */
    turn: z.number().int().min(0).max(64),
    /** What to do instead; by default the other choice (a search, image first if its budget allows, or the answer). */
    force: DecisionAction.optional(),
    /** The policy that continues; by default the one that generated the trajectory (else the closest kept before it). */
    checkpointId: Id.optional(),
    /** replay-only: a search not in the cache fails (the model sees a tool error) and nothing is spent. */
    cacheMode: CacheMode.default('replay-only'),
    /** 0 decodes greedily (the same replay gives the same result). */
    temperature: z.number().min(0).max(2).default(0),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(0),
  })
  .strict();
export type ReplayParams = z.output<typeof ReplayParams>;

export const ReplayTurn = TurnDetail.extend({
  /** original: an earlier turn replayed verbatim; forced: the decision point; model: generated freely after it. */
  origin: z.enum(['original', 'forced', 'model']),
});
export type ReplayTurn = z.infer<typeof ReplayTurn>;

export const ReplayReward = z.object({
  spec: z.string(),
  total: z.number(),
  score: z.number(),
  format: z.number(),
  penalty: z.number(),
  variables: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type ReplayReward = z.infer<typeof ReplayReward>;

export const ReplayOutcome = z.object({
  original: DecisionAction,
  checkpointLabel: z.string(),
  turns: z.array(ReplayTurn),
  endReason: z.string(),
  finalAnswer: z.string().nullable(),
  imageSearches: z.number().int(),
  textSearches: z.number().int(),
  /** Tool calls that found nothing in the cache (replay-only) or failed: the model saw an error text. */
  toolErrors: z.number().int(),
  generatedTokens: z.number().int(),
  reward: ReplayReward,
});
export type ReplayOutcome = z.infer<typeof ReplayOutcome>;

export const Replay = z.object({
  id: z.number().int(),
  trajectoryId: z.number().int(),
  turn: z.number().int(),
  forced: DecisionAction,
  checkpointId: z.number().int().nullable(),
  cacheMode: CacheMode,
  temperature: z.number(),
  seed: z.number().int(),
  createdAt: z.number(),
  outcome: ReplayOutcome,
});
export type Replay = z.infer<typeof Replay>;

export const ReplayDecision = z.object({
  turn: z.number().int(),
  action: DecisionAction,
  alternatives: z.array(DecisionAction),
  defaultForce: DecisionAction.nullable(),
});
export type ReplayDecision = z.infer<typeof ReplayDecision>;

export const ReplayOptions = z.object({
  decisions: z.array(ReplayDecision),
  checkpoints: z.array(z.object({ id: z.number().int(), label: z.string() })),
  /** The checkpoint that generated the trajectory, else the closest kept before it (a GRPO step between checkpoints). */
  defaultCheckpointId: z.number().int().nullable(),
  /** The checkpoint that generated the trajectory, when it is known and kept. */
  generatedBy: z.number().int().nullable(),
});
export type ReplayOptions = z.infer<typeof ReplayOptions>;

export const DecisionProbabilitiesParams = z.object({ trajectoryId: Id, checkpointId: Id.optional() }).strict();

/** One decision point: where in the conversation's tokens, what was taken there, and each tag's probability. */
export const DecisionProbability = z.object({
  turn: z.number().int(),
  /** Index in the trajectory's tokens of the action tag (right after `</reason>` and any whitespace the turn wrote). */
  position: z.number().int(),
  /** The tag that followed in the trajectory, when it was an action tag. */
  taken: DecisionAction.nullable(),
  /** Whether the policy sampled that position (false where a forced prefix wrote it). */
  sampled: z.boolean(),
  probabilities: z.object({
    image_search: z.number().min(0).max(1),
    text_search: z.number().min(0).max(1),
    answer: z.number().min(0).max(1),
  }),
});
export type DecisionProbability = z.infer<typeof DecisionProbability>;

export const DecisionProbabilities = z.object({
  trajectoryId: z.number().int(),
  checkpointId: z.number().int(),
  checkpointLabel: z.string(),
  decisions: z.array(DecisionProbability),
});
export type DecisionProbabilities = z.infer<typeof DecisionProbabilities>;

export const replayMethods = {
  'replay.options': method(
    "A trajectory's decision points with the choices a replay may force there, and the checkpoints that can continue it",
    z.object({ trajectoryId: Id }).strict(),
    ReplayOptions,
  ),
  'replay.list': method(
    "A trajectory's stored replays, newest first",
    z.object({ trajectoryId: Id, limit: z.number().int().min(1).max(200).default(50) }).strict(),
    z.array(Replay),
  ),
  'replay.get': method('One stored replay', z.object({ id: Id }).strict(), Replay),
};
