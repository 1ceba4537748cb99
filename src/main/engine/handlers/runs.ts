import { runMethods } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { createRun, summarizeRun } from '../../rl/runs';

export function runHandlers(ctx: EngineContext): HandlerGroup<keyof typeof runMethods> {
  const find = (id: number) => {
    const run = ctx.store.repos.runs.get(id);
    if (!run) throw new ApiError('not_found', `No run with id ${id}`);
    return run;
  };
  return {
    'runs.list': () => ctx.store.repos.runs.list().map((r) => summarizeRun(ctx.store, r)),
    'runs.get': ({ id }) => {
      const run = find(id);
      return { ...summarizeRun(ctx.store, run), config: run.config, checkpointList: ctx.store.repos.runs.checkpoints(id) };
    },
    'runs.metrics': ({ id }) => ctx.store.repos.runs.metrics(find(id).id),
    'runs.create': ({ config }) => {
      try {
        return summarizeRun(ctx.store, createRun(ctx.store, config));
      } catch (error) {
        throw new ApiError('invalid_params', (error as Error).message);
      }
    },
  };
}
