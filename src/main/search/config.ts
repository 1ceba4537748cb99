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
  if (
    !patch ||
    typeof patch !== 'object' ||
    Array.isArray(patch) ||
    !base ||
    typeof base !== 'object' ||
    Array.isArray(base)
  )
    return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out;
}

export function updateSearchConfig(store: Store, patch: Record<string, unknown>): SearchConfig {
  const next = SearchConfig.strict().safeParse(merge(readSearchConfig(store), patch));
  if (!next.success)
    throw new ApiError('invalid_params', `Invalid search settings: ${describeZodError(next.error, 'search')}`);
  store.repos.settings.setMany({ [KEY]: next.data });
  return next.data;
}

/** Every setting as a dotted path ("serpapi.baseUrl") with its value: what `search config get` lists. */
export function flattenSettings(value: unknown, prefix = ''): [string, unknown][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => flattenSettings(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * The patch that sets one dotted path. The path must name an existing setting (the defaults fill every one), so
 * a misspelt name is an error rather than a value silently dropped; the value is read as JSON when it parses
 * (numbers, true/false, null) and as text otherwise.
 */
export function settingPatch(config: SearchConfig, path: string, text: string): Record<string, unknown> {
  const known = new Map(flattenSettings(config));
  if (!known.has(path))
    throw new ApiError(
      'invalid_params',
      `Unknown search setting "${path}"; the settings are: ${[...known.keys()].join(', ')}`,
    );
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // plain text, e.g. a URL or a model name
  }
  // A text setting keeps "123" or "true" as text.
  if (typeof known.get(path) === 'string' && value !== null && typeof value !== 'string') value = text;
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
