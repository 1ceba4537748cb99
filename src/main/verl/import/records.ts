// What a cluster writes about its rollouts, read into one record shape. Three layouts:
//  - upstream veRL's trainer.rollout_data_dir / validation_data_dir: `{step}.jsonl`, one object per line with
//    `input`, `output`, `gts`, `score`, `step` and the reward function's extra values;
//  - the method's `val_result_{N}.json` (pandas records: `step`, `input_text`, `output_text`, `score`,
//    `reward_model`, `image_url`);
//  - a W&B table exported as JSON (`{"columns": [...], "data": [[...], ...]}`), the method's `val/generations`.
// A bad line or record is reported with its file and line and kept out; the caller decides all-or-nothing.

import { tooLongLine, type BoundedLine } from '../../platform/lines';

export interface RolloutRecord {
  file: string;
  line: number;
  source: 'train' | 'val';
  step: number;
  input: string;
  output: string;
  groundTruth: string | null;
  candidates: string[];
  score: number;
  imageUrl: string | null;
  /** The reward function's extra values veRL logged beside the score. */
  extras: Record<string, number | boolean | string>;
}

export interface BadRecord {
  file: string;
  line: number;
  reason: string;
}

export interface ReadResult {
  records: RolloutRecord[];
  bad: BadRecord[];
  /** Fields this reader does not know, each listed once (they are not interpreted). */
  unknownFields: Set<string>;
}

const VERL_FIELDS = new Set(['input', 'output', 'gts', 'score', 'step']);
const METHOD_FIELDS = new Set(['step', 'input_text', 'output_text', 'score', 'reward_model', 'image_url']);

class RecordError extends Error {}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string')
    throw new RecordError(
      `"${field}" must be text, found ${value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 40)}`,
    );
  return value;
}

function requireNumber(value: unknown, field: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new RecordError(
      `"${field}" must be a number, found ${value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 40)}`,
    );
  return n;
}

/** Far past any training run: a larger step is a corrupt line, and the import would mark every step up to it. */
export const MAX_STEP = 100_000;

function requireStep(value: unknown): number {
  const n = requireNumber(value, 'step');
  if (!Number.isInteger(n) || n < 0) throw new RecordError(`"step" must be a whole number ≥ 0, found ${n}`);
  if (n > MAX_STEP) throw new RecordError(`"step" is ${n}, past the ${MAX_STEP} steps any run takes`);
  return n;
}

function candidatesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(parsed)) throw new RecordError('"candidate_answers" must be a list or a JSON list');
  return parsed.map(String);
}

/** veRL's gts: the ground truth as the dataset held it (text, or the method's list of answers). */
function groundTruthOf(value: unknown): { groundTruth: string | null; candidates: string[] } {
  if (value === undefined || value === null) return { groundTruth: null, candidates: [] };
  if (typeof value === 'string') return { groundTruth: value, candidates: [] };
  if (Array.isArray(value))
    return { groundTruth: value.length ? String(value[0]) : null, candidates: value.slice(1).map(String) };
  if (typeof value === 'object' && 'ground_truth' in value) {
    const rm = value as { ground_truth: unknown; candidate_answers?: unknown };
    return {
      groundTruth: rm.ground_truth === null ? null : String(rm.ground_truth),
      candidates: candidatesOf(rm.candidate_answers),
    };
  }
  throw new RecordError('"gts" must be text, a list of answers or a reward_model object');
}

function asObject(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new RecordError('not a JSON object');
  return value as Record<string, unknown>;
}

/** `lines`: the file's lines as boundedLinesSync reads them, each at most `maxLineBytes`. */
export function readVerlJsonl(
  file: string,
  lines: Iterable<BoundedLine>,
  source: RolloutRecord['source'],
  maxLineBytes: number,
): ReadResult {
  const result: ReadResult = { records: [], bad: [], unknownFields: new Set() };
  let i = -1;
  for (const item of lines) {
    i++;
    if (item.kind === 'too-long') {
      result.bad.push({ file, line: i + 1, reason: tooLongLine(item.bytes, maxLineBytes) });
      continue;
    }
    const raw = item.text;
    if (raw.trim() === '') continue;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        throw new RecordError(`not JSON (${(error as Error).message})`);
      }
      const o = asObject(parsed);
      const extras: RolloutRecord['extras'] = {};
      for (const [key, value] of Object.entries(o)) {
        if (VERL_FIELDS.has(key)) continue;
        if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') extras[key] = value;
        else result.unknownFields.add(key);
      }
      result.records.push({
        file,
        line: i + 1,
        source,
        step: requireStep(o.step),
        input: requireString(o.input, 'input'),
        output: requireString(o.output, 'output'),
        ...groundTruthOf(o.gts),
        score: requireNumber(o.score, 'score'),
        imageUrl: typeof extras.image_url === 'string' ? extras.image_url : null,
        extras,
      });
    } catch (error) {
      if (!(error instanceof RecordError) && !(error instanceof SyntaxError)) throw error;
      result.bad.push({ file, line: i + 1, reason: error.message });
    }
  }
  return result;
}

/** The line each top-level record of a JSON array or table starts on, for error messages. */
function recordLines(text: string, count: number, opener: '{' | '['): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === (opener === '[' ? 2 : 1) && c === opener) lines.push(line);
      depth++;
    } else if (c === '}' || c === ']') depth--;
  }
  return lines;
}

function methodRecord(file: string, line: number, o: Record<string, unknown>, unknown: Set<string>): RolloutRecord {
  for (const key of Object.keys(o)) if (!METHOD_FIELDS.has(key)) unknown.add(key);
  const rewardModel = o.reward_model;
  const imageUrl = Array.isArray(o.image_url) ? o.image_url[0] : o.image_url;
  return {
    file,
    line,
    source: 'val',
    step: requireStep(o.step),
    input: requireString(o.input_text, 'input_text'),
    output: requireString(o.output_text, 'output_text'),
    ...(rewardModel === undefined
      ? { groundTruth: null, candidates: [] }
      : groundTruthOf(typeof rewardModel === 'string' ? JSON.parse(rewardModel) : rewardModel)),
    score: requireNumber(o.score, 'score'),
    imageUrl: typeof imageUrl === 'string' && imageUrl !== '' ? imageUrl : null,
    extras: {},
  };
}

function lineOfPosition(text: string, message: string): number {
  const at = /position (\d+)/.exec(message);
  return at ? text.slice(0, Number(at[1])).split('\n').length : 1;
}

/** The method's val_result_{N}.json (an array of records) or a W&B table export ({columns, data}). */
export function readMethodJson(file: string, text: string): ReadResult {
  const result: ReadResult = { records: [], bad: [], unknownFields: new Set() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    result.bad.push({
      file,
      line: lineOfPosition(text, (error as Error).message),
      reason: `not JSON (${(error as Error).message})`,
    });
    return result;
  }
  const table =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as { columns?: unknown; data?: unknown })
      : null;
  const isTable = table && Array.isArray(table.columns) && Array.isArray(table.data);
  if (!Array.isArray(parsed) && !isTable) {
    result.bad.push({
      file,
      line: 1,
      reason: 'neither a list of records (val_result_{N}.json) nor a W&B table ({"columns", "data"})',
    });
    return result;
  }
  const rows: unknown[] = isTable ? (table.data as unknown[]) : (parsed as unknown[]);
  const lines = recordLines(text, rows.length, isTable ? '[' : '{');
  const columns = isTable ? (table.columns as unknown[]).map(String) : [];
  rows.forEach((row, i) => {
    const line = lines[i] ?? 1;
    try {
      const o = isTable
        ? Array.isArray(row) && row.length === columns.length
          ? Object.fromEntries(columns.map((c, j) => [c, row[j]]))
          : (() => {
              throw new RecordError(`a table row must have ${columns.length} values (${columns.join(', ')})`);
            })()
        : asObject(row);
      result.records.push(methodRecord(file, line, o, result.unknownFields));
    } catch (error) {
      if (!(error instanceof RecordError) && !(error instanceof SyntaxError)) throw error;
      result.bad.push({ file, line, reason: error.message });
    }
  });
  return result;
}
