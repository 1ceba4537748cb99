import { jobMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import { ApiError } from '../../../shared/protocol';
import type { HandlerGroup } from './types';

/** An export's target checked against the folders this engine may write to (see EngineContext.writeTarget). */
function confinedExport(params: unknown, ctx: EngineContext): unknown {
  const out = (params as { out?: unknown } | null)?.out;
  if (typeof out !== 'string') return params;
  try {
    return { ...(params as object), out: ctx.writeTarget(out) };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('invalid_params', (error as Error).message);
  }
}

export function jobHandlers(ctx: EngineContext): HandlerGroup<keyof typeof jobMethods> {
  return {
    'jobs.list': ({ limit, status }) => ctx.jobs.list(limit, status),
    'jobs.get': ({ id }) => ctx.jobs.get(id),
    'jobs.start': ({ kind, params }) =>
      ctx.jobs.start(kind, kind === 'datasets.export' ? confinedExport(params, ctx) : params),
    'jobs.cancel': ({ id }) => ctx.jobs.cancel(id),
    'jobs.kinds': () => ctx.jobs.kinds(),
  };
}
