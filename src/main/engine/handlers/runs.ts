import { runMethods } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { createRun, summarizeRun, validateRunConfig } from '../../rl';
import { estimateRun } from '../../rl';
import { detectDevice } from '../../platform/device';
import { RunControl } from '../run-control';

export function runHandlers(ctx: EngineContext): HandlerGroup<keyof typeof runMethods> {
  const find = (id: number) => {
    const run = ctx.store.repos.runs.get(id);
    if (!run) throw new ApiError('not_found', `No run with id ${id}`);
    return run;
  };
  const control = new RunControl(ctx);
  const summary = (id: number) => summarizeRun(ctx.store, find(id));
  return {
    'runs.list': () => ctx.store.repos.runs.list().map((r) => summarizeRun(ctx.store, r)),
    'runs.get': ({ id }) => {
      const run = find(id);
      return {
        ...summarizeRun(ctx.store, run),
        config: run.config,
        checkpointList: ctx.store.repos.runs.checkpoints(id),
      };
    },
    'runs.metrics': ({ id }) => ctx.store.repos.runs.metrics(find(id).id),
    'runs.create': ({ config }) => {
      try {
        return summarizeRun(ctx.store, createRun(ctx.store, config));
      } catch (error) {
        throw new ApiError('invalid_params', (error as Error).message);
      }
    },
    'runs.validate': ({ config }) => validateRunConfig(ctx.store, config),
    'runs.estimate': ({ config }) => {
      const checked = validateRunConfig(ctx.store, config);
      if (!checked.config)
        throw new ApiError(
          'invalid_params',
          `Invalid run config: ${checked.issues.map((i) => `config.${i.path}: ${i.message}`).join('; ')}`,
        );
      return estimateRun(ctx.store, checked.config, detectDevice());
    },
    'runs.start': ({ id }) => (control.start(find(id)), summary(id)),
    'runs.pause': ({ id }) => (control.pause(find(id)), summary(id)),
    'runs.cancel': ({ id }) => (control.cancel(find(id)), summary(id)),
  };
}
