import { jobMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';

export function jobHandlers(ctx: EngineContext): HandlerGroup<keyof typeof jobMethods> {
  return {
    'jobs.list': ({ limit, status }) => ctx.jobs.list(limit, status),
    'jobs.get': ({ id }) => ctx.jobs.get(id),
    'jobs.start': ({ kind, params }) => ctx.jobs.start(kind, params),
    'jobs.cancel': ({ id }) => ctx.jobs.cancel(id),
    'jobs.kinds': () => ctx.jobs.kinds(),
  };
}
