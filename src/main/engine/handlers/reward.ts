import { rewardMethods, StoredRescore, type RewardSpecInput } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { DEFAULT_REWARD_SPEC, REWARD_VARIABLES } from '../../rl';
import { ExpressionError, FUNCTION_NAMES } from '../../rl';
import { compileEdited, summarizeRescore } from '../../rl';

const compile = compileEdited;

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
      defaultSpec: {
        name: DEFAULT_REWARD_SPEC.name,
        expression: DEFAULT_REWARD_SPEC.expression,
        constants: DEFAULT_REWARD_SPEC.constants,
        answerMatch: DEFAULT_REWARD_SPEC.answerMatch,
      },
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
    'reward.rescores': ({ runId, limit }) => {
      if (!ctx.store.repos.runs.get(runId)) throw new ApiError('not_found', `No run with id ${runId}`);
      return ctx.store.repos.rescore.rescores(runId, limit).map((r) => StoredRescore.parse(r));
    },
    'reward.rescored': ({ id, pinned, bins, limit }) => {
      const rescore = ctx.store.repos.rescore.rescore(id);
      if (!rescore) throw new ApiError('not_found', `No re-scoring with id ${id}`);
      return {
        ...summarizeRescore(ctx.store.repos.rescore.rescored(id), { pinned, bins, limit }),
        rescore: StoredRescore.parse(rescore),
      };
    },
    'reward.save': ({ spec }) => {
      compileOrThrow(spec);
      const version = ctx.store.repos.rescore.nextVersion(spec.name);
      ctx.store.repos.trajectories.ensureSpec({
        name: spec.name,
        version,
        expression: spec.expression,
        constants: spec.constants,
      });
      const saved = ctx.store.repos.rescore.specs().find((s) => s.name === spec.name && s.version === version);
      if (!saved) throw new ApiError('failed', 'The spec was not saved');
      return saved;
    },
  };
}
