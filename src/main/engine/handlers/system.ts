import { systemMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { detectDevice } from '../../platform/device';
import { packageVersion } from '../../platform/package-root';

export function systemHandlers(ctx: EngineContext): HandlerGroup<keyof typeof systemMethods> {
  return {
    'system.info': () => ({
      version: packageVersion(),
      home: ctx.home,
      face: ctx.face,
      schemaVersion: ctx.store.repos.schemaVersion(),
      device: detectDevice(),
      node: process.versions.node,
    }),
    'system.ping': ({ echo }) => ({ echo, at: Date.now() }),
  };
}
