// The New run form's fields: each names the run config path it sets (as `searchlab train --config` reads it).
// What the user typed is kept as text; the config is built from the filled fields only, so every default stays the
// run config's own, and a value that is not a number goes through as typed so the config's schema names the field.

export type FieldKind = 'int' | 'number' | 'text' | 'bool' | 'choice';

export interface Field {
  path: string;
  label: string;
  kind: FieldKind;
  /** For choices: the values offered (the first is the config's default unless a placeholder says otherwise). */
  options?: readonly string[];
  /** Empty means "no limit" (null in the config) rather than "the default". */
  nullable?: boolean;
  hint?: string;
}

export interface Section {
  title: string;
  fields: Field[];
}

export const SECTIONS: Section[] = [
  {
    title: 'Search',
    fields: [
      { path: 'search.engine', label: 'Engine', kind: 'choice', options: ['local', 'serpapi', 'searxng'] },
      { path: 'search.mode', label: 'Cache mode', kind: 'choice', options: ['cache-first', 'live', 'replay-only'] },
      { path: 'search.maxCalls', label: 'Budget: live calls', kind: 'int', nullable: true, hint: 'empty: no limit' },
      { path: 'search.maxCost', label: 'Budget: money ($)', kind: 'number', nullable: true, hint: 'empty: no limit' },
      { path: 'search.thumbnails', label: 'Show image thumbnails', kind: 'bool' },
      { path: 'search.links', label: 'Show result links', kind: 'bool' },
    ],
  },
  {
    title: 'Rollout',
    fields: [
      { path: 'rollout.groupSize', label: 'Group size', kind: 'int' },
      { path: 'rollout.temperature', label: 'Temperature', kind: 'number' },
      { path: 'rollout.topP', label: 'Top p', kind: 'number' },
      { path: 'rollout.maxTurns', label: 'Max turns', kind: 'int' },
      { path: 'rollout.maxImageSearches', label: 'Max image searches', kind: 'int' },
      { path: 'rollout.maxTextSearches', label: 'Max text searches', kind: 'int' },
      { path: 'rollout.maxTokensPerTurn', label: 'Tokens per turn', kind: 'int' },
      { path: 'rollout.maxTotalTokens', label: 'Tokens in all', kind: 'int' },
      { path: 'rollout.maxPromptTokens', label: 'Prompt tokens', kind: 'int' },
    ],
  },
  {
    title: 'GRPO',
    fields: [
      { path: 'grpo.steps', label: 'Steps', kind: 'int', hint: 'required' },
      { path: 'grpo.batchPrompts', label: 'Prompts per step', kind: 'int' },
      { path: 'grpo.miniBatch', label: 'Mini-batch (trajectories per update)', kind: 'int' },
      { path: 'grpo.microBatch', label: 'Micro-batch (per pass)', kind: 'int', hint: 'empty: the mini-batch' },
      { path: 'grpo.lr', label: 'Learning rate', kind: 'number' },
      { path: 'grpo.warmupSteps', label: 'Warm-up steps', kind: 'int' },
      { path: 'grpo.decay', label: 'Decay', kind: 'choice', options: ['cosine', 'linear', 'constant'] },
      { path: 'grpo.minLrRatio', label: 'Min learning-rate ratio', kind: 'number' },
      { path: 'grpo.clipRatio', label: 'Clip ratio', kind: 'number' },
      { path: 'grpo.klCoef', label: 'KL coefficient', kind: 'number' },
      { path: 'grpo.entropyCoef', label: 'Entropy coefficient', kind: 'number' },
      { path: 'grpo.maxGradNorm', label: 'Max gradient norm', kind: 'number' },
      { path: 'grpo.weightDecay', label: 'Weight decay', kind: 'number' },
      { path: 'grpo.maxSequenceLength', label: 'Training sequence length', kind: 'int' },
    ],
  },
  {
    title: 'Runtime and schedule',
    fields: [
      { path: 'runtime.device', label: 'Device', kind: 'choice', options: ['auto', 'cpu', 'cuda'] },
      {
        path: 'runtime.cpuThreads',
        label: 'CPU threads per graph',
        kind: 'int',
        nullable: true,
        hint: 'empty: one per core; 1 repeats bit for bit',
      },
      { path: 'checkpointEvery', label: 'Checkpoint every (steps)', kind: 'int' },
      { path: 'seed', label: 'Seed', kind: 'int' },
    ],
  },
];

export type Draft = Record<string, string | boolean>;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

export function getPath(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      source,
    );
}

/** A typed number when the text is one, else the text itself (the schema then names the field). */
function numeric(text: string, kind: FieldKind): unknown {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && (kind !== 'int' || Number.isInteger(value)) ? value : text;
}

const FIELDS = SECTIONS.flatMap((s) => s.fields);

/** The run config from the form: the fixed parts (name, model, dataset…) plus every field the user filled. */
export function buildConfig(base: Record<string, unknown>, draft: Draft): Record<string, unknown> {
  const config: Record<string, unknown> = structuredClone(base);
  for (const field of FIELDS) {
    const value = draft[field.path];
    if (value === undefined) continue;
    if (field.kind === 'bool') setPath(config, field.path, value === true);
    else if (typeof value === 'string' && value.trim() === '') {
      if (field.nullable) setPath(config, field.path, null);
    } else if (field.kind === 'int' || field.kind === 'number')
      setPath(config, field.path, numeric(String(value), field.kind));
    else setPath(config, field.path, value);
  }
  return config;
}

/** The form's text for every field, read from an existing config (to start a run like an earlier one). */
export function draftOf(config: unknown): Draft {
  const draft: Draft = {};
  for (const field of FIELDS) {
    const value = getPath(config, field.path);
    if (value === undefined) continue;
    draft[field.path] = field.kind === 'bool' ? value === true : showValue(value);
  }
  return draft;
}

/** A number as the form shows it: short, and exact for the small rates GRPO uses (2e-6). */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && value !== 0 && Math.abs(value) < 1e-3) return value.toExponential();
  return String(value);
}
