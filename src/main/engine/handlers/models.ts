import { modelMethods } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { addModelFolder, listModelFolders } from '../../rl';

export function modelHandlers(ctx: EngineContext): HandlerGroup<keyof typeof modelMethods> {
  return {
    'models.list': () => listModelFolders(ctx.store),
    'models.add': ({ path }) => {
      try {
        return addModelFolder(ctx.store, path);
      } catch (error) {
        // what is wrong with the folder is the caller's to fix, said in full
        throw new ApiError('invalid_params', (error as Error).message);
      }
    },
  };
}
