import { searchMethods } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { SearchService } from '../../search';
import { keysWithNewDestination } from './key-destinations';

export function searchHandlers(ctx: EngineContext): HandlerGroup<keyof typeof searchMethods> {
  const search = new SearchService({ store: ctx.store, home: ctx.home });
  const wrap = <T>(body: () => T): T => {
    try {
      return body();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('failed', (error as Error).message);
    }
  };
  return {
    'search.run': (params) => search.run(params),
    'search.cache.list': (filter) => ctx.store.repos.searchCache.list(filter),
    'search.cache.get': ({ key }) => {
      const entry = ctx.store.repos.searchCache.get(key);
      if (!entry) throw new ApiError('not_found', `No cache entry ${key}`);
      return entry;
    },
    'search.cache.delete': ({ keys }) => ({ deleted: ctx.store.repos.searchCache.delete(keys) }),
    'search.cache.clear': ({ tool }) => ({ deleted: ctx.store.repos.searchCache.clear(tool) }),
    'search.cache.stats': () => search.stats(),
    'search.cache.export': ({ file, overwrite }) =>
      wrap(() => search.exportCache(ctx.writeTarget(file), overwrite === true)),
    'search.cache.import': ({ file }) => wrap(() => search.importCache(file)),
    'search.image': ({ sha256 }) => {
      const image = search.image(sha256);
      return { mime: image.mime, base64: image.bytes.toString('base64') };
    },
    'search.config.get': () => search.config(),
    'search.config.update': (patch) => {
      const before = search.config();
      const after = search.updateConfig(patch);
      const moved = keysWithNewDestination(before, after);
      // A key from the environment cannot be forgotten: over browser mode its destination does not move at all.
      const fromEnv = search.secrets.status().filter((s) => moved.includes(s.name) && s.source === 'env');
      if (ctx.face === 'browser' && fromEnv.length > 0) {
        search.updateConfig(before);
        throw new ApiError(
          'invalid_params',
          `The ${fromEnv[0].name} key comes from ${fromEnv[0].envVar}; its base URL can be changed from the command ` +
            'line (searchlab search config set), not from browser mode',
        );
      }
      for (const name of moved) search.secrets.clear(name);
      return after;
    },
    'search.secrets.status': () => search.secrets.status(),
    'search.secrets.set': ({ name, value }) => {
      search.secrets.set(name, value);
      return search.secrets.status();
    },
    'search.secrets.clear': ({ name }) => {
      search.secrets.clear(name);
      return search.secrets.status();
    },
    'corpus.list': () => ctx.store.repos.corpus.list(),
    'corpus.delete': ({ name }) => ({ deleted: ctx.store.repos.corpus.delete(name) }),
  };
}
