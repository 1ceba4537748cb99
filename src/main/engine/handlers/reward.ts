import { rewardMethods, type RewardSpecInput } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { compileReward, DEFAULT_REWARD_SPEC, REWARD_VARIABLES } from '../../rl/reward/spec';
import { ExpressionError, FUNCTION_NAMES } from '../../rl/reward/expression';
import { histogram, rescoreRows, signFlips } from '../../rl/rescore/rescore';

// A spec under edit has no version yet: compile it as version 1 (the version changes nothing it computes).
const compile = (spec: RewardSpecInput) => compileReward({ ...spec, version: 1 });

function compileOrThrow(spec: RewardSpecInput) {
  try {
    return compile(spec);
  } catch (error) {
    throw new ApiError('invalid_params', `Reward spec: ${(error as Error).message}`);
  }
}

export function rewardHandlers(ctx: EngineContext): HandlerGroup<keyof typeof rewardMethods> {
  return {
    'reward.specs': () => ({
      specs: ctx.store.repos.rescore.specs(),
      defaultSpec: { name: DEFAULT_REWARD_SPEC.name, expression: DEFAULT_REWARD_SPEC.expression, constants: DEFAULT_REWARD_SPEC.constants, answerMatch: DEFAULT_REWARD_SPEC.answerMatch },
      variables: REWARD_VARIABLES,
      functions: FUNCTION_NAMES,
    }),
    'reward.check': ({ spec }) => {
      try {
        return { ok: true, error: null, variables: compile(spec).expression.variables };
      } catch (error) {
        const position = error instanceof ExpressionError ? error.position : -1;
        return { ok: false, error: { message: (error as Error).message, position }, variables: [] };
      }
    },
    'reward.rescore': async ({ runId, spec, pinned, bins, limit }) => {
      if (!ctx.store.repos.runs.get(runId)) throw new ApiError('not_found', `No run with id ${runId}`);
      const reward = compileOrThrow(spec);
      let items;
      try {
        items = await rescoreRows(ctx.store.repos.rescore.rows(runId), reward);
      } catch (error) {
        throw new ApiError('invalid_params', `Reward spec: ${(error as Error).message}`);
      }
      const flips = signFlips(items);
      const pins = new Set(pinned);
      return {
        count: items.length,
        changedRewards: items.filter((t) => t.before.total === null || Math.abs(t.before.total - t.after.total) > 1e-9).length,
        histogram: histogram(items, bins),
        signFlips: flips.slice(0, limit),
        signFlipCount: flips.length,
        pinned: items.filter((t) => pins.has(t.id)),
      };
    },
    'reward.save': ({ spec }) => {
      compileOrThrow(spec);
      const version = ctx.store.repos.rescore.nextVersion(spec.name);
      ctx.store.repos.trajectories.ensureSpec({ name: spec.name, version, expression: spec.expression, constants: spec.constants });
      const saved = ctx.store.repos.rescore.specs().find((s) => s.name === spec.name && s.version === version);
      if (!saved) throw new ApiError('failed', 'The spec was not saved');
      return saved;
    },
  };
}
