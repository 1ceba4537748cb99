import { evalMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { evaluationSummaries } from '../../rl/eval/records';

export function evalHandlers(ctx: EngineContext): HandlerGroup<keyof typeof evalMethods> {
  return {
    'evals.list': () => evaluationSummaries(ctx.store),
    'checkpoints.list': () => {
      const runNames = new Map(ctx.store.repos.runs.list().map((r) => [r.id, r.name]));
      return ctx.store.repos.runs.allCheckpoints().map((c) => ({ ...c, runName: c.runId === null ? null : (runNames.get(c.runId) ?? null) }));
    },
  };
}
