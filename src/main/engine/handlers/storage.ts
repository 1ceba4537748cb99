import { storageMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';

export function storageHandlers(ctx: EngineContext): HandlerGroup<keyof typeof storageMethods> {
  return {
    'storage.stats': () => ({
      path: ctx.store.file,
      schemaVersion: ctx.store.repos.schemaVersion(),
      bytes: ctx.store.repos.stats.bytes(),
      counts: ctx.store.repos.stats.counts(),
    }),
  };
}
