// From a source record (veRL/FVQA nested layout, or a flat HF/JSONL/CSV row) to one sample's fields,
// checking each field and naming the one that is wrong. Images are only located here, not read.
import { SearchNeed, type Rejection } from '../../../shared/contract';
import { publicImageUrl } from '../../platform/url-access';
import type { SourceRecord } from './types';

/** Where a row's image is: bytes in the row, a data URI or base64 text, a URL, or a path beside the file. */
export type ImageRef =
  | { kind: 'bytes'; bytes: Uint8Array; field: string }
  | { kind: 'url'; url: string; field: string }
  | { kind: 'path'; path: string; field: string };

export interface NormalizedRow {
  dataId: string | null;
  question: string;
  answer: string;
  candidates: string[];
  image: ImageRef | null;
  imageUrl: string | null;
  dataSource: string | null;
  category: string | null;
  split: string | null;
  prompt: { role: string; content: string }[] | null;
  searchNeed: SearchNeed | null;
  /** Hand labels carried by the row (SearchLab's JSONL export writes them). */
  labels: { annotator: string; label: SearchNeed; note: string | null }[];
  extra: Record<string, unknown> | null;
}

/** Fields this module reads; anything else is kept in `extra` for round trips. */
const known = new Set([
  'prompt',
  'images',
  'image',
  'image_path',
  'image_url',
  'image_urls',
  'img',
  'reward_model',
  'data_source',
  'source',
  'data_id',
  'id',
  'category',
  'split',
  'question',
  'query',
  'answer',
  'answers',
  'ground_truth',
  'candidate_answers',
  'candidates',
  'extra_info',
  'search_need',
  'labels',
]);

type Fail = (field: string, reason: string) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return null;
}

function optionalText(record: Record<string, unknown>, names: string[], fail: Fail): string | null {
  for (const name of names) {
    const v = record[name];
    if (v === null || v === undefined) continue;
    const t = text(v);
    if (t === null) fail(name, `expected text, got ${Array.isArray(v) ? 'a list' : typeof v}`);
    return t;
  }
  return null;
}

/** Candidate answers as the veRL JSON string of a list, a real list, or "a|b|c" in a CSV cell. */
function candidatesOf(v: unknown, field: string, fail: Fail): string[] {
  if (v === null || v === undefined) return [];
  let value = v;
  if (typeof v === 'string') {
    const trimmed = v.trim();
    if (trimmed.startsWith('[')) {
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        fail(field, `not a JSON list of strings (${(error as Error).message})`);
        return [];
      }
    } else
      return trimmed === ''
        ? []
        : trimmed
            .split('|')
            .map((s) => s.trim())
            .filter(Boolean);
  }
  if (!Array.isArray(value)) {
    fail(field, 'expected a list of strings');
    return [];
  }
  const out: string[] = [];
  for (const item of value) {
    const t = text(item);
    if (t === null) {
      fail(field, 'expected a list of strings');
      return [];
    }
    out.push(t);
  }
  return out;
}

const dataUri = /^data:([\w/+.-]+)?(;base64)?,/i;
const base64Text = /^[A-Za-z0-9+/\r\n]+={0,2}$/;

function imageFromText(value: string, field: string, fail: Fail): ImageRef | null {
  const v = value.trim();
  if (v === '') return null;
  const uri = dataUri.exec(v);
  if (uri) {
    if (!uri[2]) {
      fail(field, 'a data: URI must be base64-encoded');
      return null;
    }
    return { kind: 'bytes', bytes: Buffer.from(v.slice(uri[0].length), 'base64'), field };
  }
  if (/^https?:\/\//i.test(v)) return { kind: 'url', url: v, field };
  // Long text of base64 characters only is inline image data; anything else is a path.
  if (v.length >= 64 && base64Text.test(v)) return { kind: 'bytes', bytes: Buffer.from(v, 'base64'), field };
  return { kind: 'path', path: v, field };
}

function imageFrom(v: unknown, field: string, fail: Fail): ImageRef | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return { kind: 'bytes', bytes: v, field };
  if (typeof v === 'string') return imageFromText(v, field, fail);
  if (Array.isArray(v)) return v.length === 0 ? null : imageFrom(v[0], `${field}[0]`, fail);
  if (isRecord(v)) {
    // HF Image feature and veRL: {bytes, path}; bytes win, the path is a fallback.
    if (v.bytes instanceof Uint8Array && v.bytes.byteLength > 0)
      return { kind: 'bytes', bytes: v.bytes, field: `${field}.bytes` };
    if (typeof v.bytes === 'string' && v.bytes !== '')
      return { kind: 'bytes', bytes: Buffer.from(v.bytes, 'base64'), field: `${field}.bytes` };
    if (typeof v.path === 'string' && v.path !== '') return imageFromText(v.path, `${field}.path`, fail);
    if (typeof v.url === 'string') return imageFromText(v.url, `${field}.url`, fail);
    fail(field, 'an image object needs bytes or a path');
    return null;
  }
  fail(field, `expected image bytes, a path, a URL or base64, got ${typeof v}`);
  return null;
}

function promptOf(v: unknown, fail: Fail): { role: string; content: string }[] | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return null; // a flat "prompt" column is the question itself
  if (!Array.isArray(v)) {
    fail('prompt', 'expected a list of {role, content} messages');
    return null;
  }
  const out: { role: string; content: string }[] = [];
  for (const [i, m] of v.entries()) {
    if (!isRecord(m) || typeof m.role !== 'string' || text(m.content) === null) {
      fail(`prompt[${i}]`, 'expected {role, content} with text content');
      return null;
    }
    out.push({ role: m.role, content: text(m.content)! });
  }
  return out;
}

/** The question inside a veRL prompt: the last user message, without the image placeholder. */
export function questionFromPrompt(prompt: { role: string; content: string }[]): string | null {
  const user = [...prompt].reverse().find((m) => m.role === 'user');
  if (!user) return null;
  const q = user.content.replace(/<image>/g, '').trim();
  return q === '' ? null : q;
}

export function normalizeRecord(
  record: SourceRecord,
): { row: NormalizedRow; rejections: [] } | { row: null; rejections: Rejection[] } {
  const rejections: Rejection[] = [];
  const fail: Fail = (field, reason) => rejections.push({ file: record.file, row: record.row, field, reason });
  const f = record.fields;
  const reward = isRecord(f.reward_model) ? f.reward_model : null;
  if (f.reward_model !== undefined && f.reward_model !== null && !reward)
    fail('reward_model', 'expected a struct with ground_truth and candidate_answers');
  const info = isRecord(f.extra_info) ? f.extra_info : {};
  const prompt = promptOf(f.prompt, fail);

  const promptIsList = Array.isArray(f.prompt);
  const badPrompt = promptIsList && prompt === null;
  const question =
    optionalText(f, ['question', 'query'], fail) ??
    optionalText(info, ['question'], fail) ??
    (prompt ? questionFromPrompt(prompt) : null) ??
    (promptIsList ? null : optionalText(f, ['prompt'], fail));
  // A prompt that is not messages was reported already; do not report its missing question twice.
  if ((question === null || question.trim() === '') && !badPrompt)
    fail(promptIsList ? 'prompt' : 'question', 'missing: no question text');

  let answer: string | null = null;
  let candidates: string[] = [];
  // An HF-style "answers" list gives the answer (its first item) and the candidates (the rest).
  const answersList =
    reward?.ground_truth == null &&
    f.answer == null &&
    f.ground_truth == null &&
    info.answer == null &&
    Array.isArray(f.answers);
  const gt = answersList ? f.answers : (reward?.ground_truth ?? f.answer ?? f.ground_truth ?? info.answer);
  const gtField = answersList
    ? 'answers'
    : reward?.ground_truth !== undefined
      ? 'reward_model.ground_truth'
      : f.answer !== undefined
        ? 'answer'
        : f.ground_truth !== undefined
          ? 'ground_truth'
          : 'extra_info.answer';
  if (Array.isArray(gt)) {
    const all = candidatesOf(gt, gtField, fail);
    answer = all[0] ?? null;
    candidates = all.slice(1);
  } else answer = text(gt);
  if (answer === null || answer.trim() === '')
    fail(gtField === 'extra_info.answer' ? 'answer' : gtField, 'missing: no answer');
  const candidateField =
    reward?.candidate_answers !== undefined
      ? 'reward_model.candidate_answers'
      : f.candidate_answers !== undefined
        ? 'candidate_answers'
        : f.candidates !== undefined
          ? 'candidates'
          : 'answers';
  const candidateValue =
    reward?.candidate_answers ?? f.candidate_answers ?? f.candidates ?? (answersList ? undefined : f.answers);
  for (const c of candidatesOf(candidateValue, candidateField, fail)) if (!candidates.includes(c)) candidates.push(c);

  let image: ImageRef | null = null;
  for (const name of ['images', 'image', 'image_path', 'img']) {
    if (f[name] !== undefined && f[name] !== null) {
      image = imageFrom(f[name], name, fail);
      if (image) break;
    }
  }
  const urls = f.image_urls;
  let urlText = optionalText(f, ['image_url'], fail);
  if (Array.isArray(urls) && urls.length > 0) urlText ??= text(urls[0]);
  else if (typeof urls === 'string' && urls !== '') urlText ??= urls;
  if (!image && urlText) image = imageFromText(urlText, f.image_url !== undefined ? 'image_url' : 'image_urls', fail);
  // Kept as the sample's image URL only when Google Lens could fetch it; otherwise the image is uploaded.
  const imageUrl = urlText ? publicImageUrl(urlText) : null;

  const needText = optionalText(f, ['search_need'], fail) ?? optionalText(info, ['search_need'], fail);
  let searchNeed: SearchNeed | null = null;
  if (needText !== null && needText !== '') {
    const parsed = SearchNeed.safeParse(needText);
    if (parsed.success) searchNeed = parsed.data;
    else fail('search_need', `expected one of ${SearchNeed.options.join(', ')}, got "${needText}"`);
  }

  const labels: NormalizedRow['labels'] = [];
  if (f.labels !== undefined && f.labels !== null) {
    if (!Array.isArray(f.labels)) fail('labels', 'expected a list of {annotator, label, note}');
    else
      for (const [i, l] of f.labels.entries()) {
        const label = isRecord(l) ? SearchNeed.safeParse(l.label) : null;
        const annotator = isRecord(l) && typeof l.annotator === 'string' ? l.annotator.trim() : '';
        if (
          !label?.success ||
          annotator === '' ||
          annotator.length > 100 ||
          (isRecord(l) && l.note != null && typeof l.note !== 'string')
        ) {
          fail(`labels[${i}]`, `expected {annotator, label: one of ${SearchNeed.options.join('|')}, note}`);
        } else if (labels.some((x) => x.annotator === annotator))
          fail(`labels[${i}]`, `a second label by ${annotator}`);
        else
          labels.push({
            annotator,
            label: label.data,
            note: isRecord(l) && typeof l.note === 'string' ? l.note : null,
          });
      }
  }

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(f))
    if (!known.has(key) && value !== undefined && value !== null) extra[key] = jsonSafe(value);
  if (reward?.style !== undefined && reward.style !== 'rule') extra.reward_style = jsonSafe(reward.style);

  if (rejections.length > 0) return { row: null, rejections };
  return {
    rejections: [],
    row: {
      dataId: optionalText(f, ['data_id', 'id'], fail) ?? (info.index !== undefined ? text(info.index) : null),
      question: question!.trim(),
      answer: answer!.trim(),
      candidates,
      image,
      imageUrl,
      dataSource: optionalText(f, ['data_source', 'source'], fail),
      category: optionalText(f, ['category'], fail),
      split: optionalText(f, ['split'], fail) ?? optionalText(info, ['split'], fail) ?? record.split,
      prompt,
      searchNeed,
      labels,
      extra: Object.keys(extra).length ? extra : null,
    },
  };
}

/** Values kept in `extra` must survive JSON: bigints become numbers or strings, bytes are dropped. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
