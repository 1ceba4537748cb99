// Search settings live in the settings table under one key, validated on the way in and out.
import { SearchConfig } from '../../shared/contract';
import { ApiError, describeZodError } from '../../shared/protocol';
import type { Store } from '../storage';

const KEY = 'search';

export function readSearchConfig(store: Store): SearchConfig {
  const stored = store.repos.settings.all()[KEY];
  const parsed = SearchConfig.safeParse(stored ?? {});
  // A value from an older version that no longer validates falls back to the defaults.
  return parsed.success ? parsed.data : SearchConfig.parse({});
}

function merge(base: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch) || !base || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out;
}

export function updateSearchConfig(store: Store, patch: Record<string, unknown>): SearchConfig {
  const next = SearchConfig.strict().safeParse(merge(readSearchConfig(store), patch));
  if (!next.success) throw new ApiError('invalid_params', `Invalid search settings: ${describeZodError(next.error, 'search')}`);
  store.repos.settings.setMany({ [KEY]: next.data });
  return next.data;
}
