// The cache key: the tool, the engine, the normalised query or the image's content hash, and the parameters
// that change the answer (top k, corpus, summariser, locale). Anything else (timeouts, keys) is left out.
import { createHash } from 'node:crypto';
import type { SearchEngineKind, SearchTool } from '../../../shared/contract';
import { normaliseQuery } from '../text';

export interface CallIdentity {
  tool: SearchTool;
  engine: SearchEngineKind;
  /** The text query (text search), normalised before hashing. */
  query: string | null;
  /** sha256 of the image's bytes (image search). */
  imageSha256: string | null;
  params: Record<string, unknown>;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function cacheKey(call: CallIdentity): string {
  const identity = canonical({
    tool: call.tool,
    engine: call.engine,
    query: call.query === null ? null : normaliseQuery(call.query),
    image: call.imageSha256,
    params: call.params,
  });
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
