import { jobMethods } from '../../../shared/contract';
import type { EngineContext, ImportSwitches } from '../context';
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

/** Each import switch, what it lets an import do, and the `serve` flag that allows it over browser mode. */
const importSwitchFlags: Record<keyof ImportSwitches, { does: string; flag: string }> = {
  allowPathsOutside: { does: "read image paths outside the imported file's folder", flag: '--allow-paths-outside' },
  allowPrivateUrls: {
    does: 'fetch image URLs on loopback, link-local and private addresses',
    flag: '--allow-private-urls',
  },
};

/** An import's switches checked against the ones this engine allows (see EngineContext.importSwitches). */
function allowedImport(params: unknown, ctx: EngineContext): unknown {
  for (const name of Object.keys(importSwitchFlags) as (keyof ImportSwitches)[]) {
    const value = (params as Record<string, unknown> | null)?.[name];
    // Anything but absent or false counts as asking: the contract's own check comes later.
    if (value === undefined || value === false || ctx.importSwitches[name]) continue;
    const { does, flag } = importSwitchFlags[name];
    throw new ApiError(
      'unauthorized',
      `datasets.import: params.${name} (${does}) is refused in browser mode unless the server was started with ` +
        `\`searchlab serve ${flag}\``,
    );
  }
  return params;
}

export function jobHandlers(ctx: EngineContext): HandlerGroup<keyof typeof jobMethods> {
  return {
    'jobs.list': ({ limit, status }) => ctx.jobs.list(limit, status),
    'jobs.get': ({ id }) => ctx.jobs.get(id),
    'jobs.start': ({ kind, params }) =>
      ctx.jobs.start(
        kind,
        kind === 'datasets.export'
          ? confinedExport(params, ctx)
          : kind === 'datasets.import'
            ? allowedImport(params, ctx)
            : params,
      ),
    'jobs.cancel': ({ id }) => ctx.jobs.cancel(id),
    'jobs.kinds': () => ctx.jobs.kinds(),
  };
}
