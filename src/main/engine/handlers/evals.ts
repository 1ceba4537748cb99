import { evalMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { ApiError } from '../../../shared/protocol';
import { evaluationSummaries } from '../../rl';
import { checkpointsOfRun, deleteCheckpoint, exportCheckpoint } from '../../rl';

/** A checkpoint operation's own error (what is missing or in the way) as the caller's mistake. */
function asInvalid<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new ApiError('invalid_params', (error as Error).message);
  }
}

export function evalHandlers(ctx: EngineContext): HandlerGroup<keyof typeof evalMethods> {
  return {
    'evals.list': () => evaluationSummaries(ctx.store),
    'checkpoints.list': () => {
      const runNames = new Map(ctx.store.repos.runs.list().map((r) => [r.id, r.name]));
      return ctx.store.repos.runs
        .allCheckpoints()
        .map((c) => ({ ...c, runName: c.runId === null ? null : (runNames.get(c.runId) ?? null) }));
    },
    'checkpoints.ofRun': ({ runId }) => checkpointsOfRun(ctx.store, runId),
    // The folder is checked first (over browser mode, only exports/ and the folders serve was given), before the
    // checkpoint is even looked up.
    'checkpoints.export': ({ id, dir }) => asInvalid(() => exportCheckpoint(ctx.store, id, ctx.writeTarget(dir))),
    'checkpoints.delete': ({ id }) => asInvalid(() => deleteCheckpoint(ctx.store, ctx.home, id)),
  };
}
