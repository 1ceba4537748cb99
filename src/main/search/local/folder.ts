// Reads a folder of documents (Markdown, HTML, plain text, JSONL) and images into ingestCorpus() input.
// An image beside a document with the same name (page.md + page.jpg) belongs to it; other images stand alone.
// Every error names the file (and the line and field for JSONL).
import fs from 'node:fs';
import path from 'node:path';
import { convert } from 'html-to-text';
import type { CorpusDocInput, CorpusImageInput } from './ingest';
import { confinedPath, readChunksSyncWithin, readFileSyncWithin } from '../../platform/file-access';
import { boundedLinesSync, MAX_LINE_BYTES, tooLongLine } from '../../platform/lines';

/** A corpus document larger than this is refused (a JSONL of many documents is one file). */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

const docExtensions = new Set(['.md', '.markdown', '.html', '.htm', '.txt', '.jsonl']);
const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif']);

export interface FolderContents {
  docs: CorpusDocInput[];
  images: CorpusImageInput[];
  skippedFiles: string[];
}

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, root, out);
    else if (entry.isFile()) out.push(path.relative(root, full));
  }
}

function frontMatter(text: string): { fields: Record<string, string>; rest: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { fields: {}, rest: text };
  const fields: Record<string, string> = {};
  for (const line of match[1].split(/\r?\n/)) {
    const kv = /^([\w-]+)\s*:\s*(.*)$/.exec(line);
    if (kv) fields[kv[1].toLowerCase()] = kv[2].trim().replace(/^["']|["']$/g, '');
  }
  return { fields, rest: text.slice(match[0].length) };
}

/** Markdown to plain text, enough for BM25 and summaries: syntax marks go, words stay. */
export function markdownToText(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ''))
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s*[-*+]\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Local image files a Markdown page names: `image:` in its front matter and `![alt](path)` in its text. */
function markdownImages(rel: string, root: string, fields: Record<string, string>, text: string): CorpusImageInput[] {
  const dir = path.dirname(path.join(root, rel));
  const refs = [
    fields.image,
    ...[...text.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
  ].filter((r): r is string => !!r);
  const out: CorpusImageInput[] = [];
  for (const ref of refs) {
    if (/^[a-z][\w+.-]*:/i.test(ref)) continue; // a remote image (http:, data:): not part of a local corpus
    const file = confinedPath(decodeURIComponent(ref), dir, { confineTo: root });
    if (!imageExtensions.has(path.extname(file).toLowerCase())) continue;
    if (!fs.existsSync(file)) throw new Error(`${rel}: image ${ref} not found`);
    // The page's name is part of the source: two pages may show the same picture, and each should be found by it.
    if (!out.some((o) => o.path === file)) out.push({ path: file, source: `${rel}#${path.relative(root, file)}` });
  }
  return out;
}

function fromMarkdown(rel: string, text: string, root: string): CorpusDocInput {
  const { fields, rest } = frontMatter(text);
  const heading = /^\s{0,3}#\s+(.+)$/m.exec(rest)?.[1]?.trim();
  const images = markdownImages(rel, root, fields, rest);
  return {
    source: rel,
    title: fields.title || heading || titleOf(rel),
    url: fields.url || undefined,
    body: markdownToText(rest),
    ...(images.length ? { images } : {}),
  };
}

function fromHtml(rel: string, html: string): CorpusDocInput {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  const canonical = /<link[^>]+rel=["']canonical["'][^>]*>/i.exec(html)?.[0];
  const url = canonical ? /href=["']([^"']+)["']/i.exec(canonical)?.[1] : undefined;
  const body = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'title', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
    ],
  }).trim();
  return { source: rel, title: title || titleOf(rel), url, body };
}

function fromText(rel: string, text: string): CorpusDocInput {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim());
  if (first < 0) return { source: rel, title: titleOf(rel), body: '' };
  const rest = lines
    .slice(first + 1)
    .join('\n')
    .trim();
  return { source: rel, title: lines[first].trim().slice(0, 300), body: rest || lines[first].trim() };
}

/** A JSONL corpus file, read line by line: it may hold more text than one string can. */
function fromJsonl(rel: string, root: string, maxLineBytes: number): CorpusDocInput[] {
  const dir = path.dirname(path.join(root, rel));
  const chunks = readChunksSyncWithin(rel, root, { maxBytes: MAX_DOCUMENT_BYTES, confineTo: root });
  const docs: CorpusDocInput[] = [];
  let i = -1;
  for (const item of boundedLinesSync(chunks, maxLineBytes)) {
    i++;
    const where = `${rel} line ${i + 1}`;
    if (item.kind === 'too-long') throw new Error(`${where}: ${tooLongLine(item.bytes, maxLineBytes)}`);
    const line = item.text;
    if (!line.trim()) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new Error(`${where}: expected a JSON object`);
    if (typeof row.title !== 'string' || !row.title.trim())
      throw new Error(`${where}: field "title" is missing or not a string`);
    const body = row.body ?? row.text ?? row.content;
    if (typeof body !== 'string')
      throw new Error(`${where}: field "body" (or "text", "content") is missing or not a string`);
    if (row.url !== undefined && typeof row.url !== 'string') throw new Error(`${where}: field "url" is not a string`);
    if (row.images !== undefined && (!Array.isArray(row.images) || row.images.some((p) => typeof p !== 'string'))) {
      throw new Error(`${where}: field "images" is not a list of file paths`);
    }
    const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : String(i + 1);
    docs.push({
      source: `${rel}#${id}`,
      title: row.title,
      url: row.url as string | undefined,
      body,
      images: ((row.images as string[] | undefined) ?? []).map((p) => ({
        path: confinedPath(p, dir, { confineTo: root }),
        source: `${rel}#${id}:${p}`,
      })),
    });
  }
  return docs;
}

function titleOf(rel: string): string {
  return path
    .basename(rel)
    .replace(/\.[^.]+$/, '')
    .replace(/[_-]+/g, ' ');
}

/** `maxLineBytes`: the longest line (one document) of a JSONL file. */
export function readCorpusFolder(dir: string, maxLineBytes = MAX_LINE_BYTES): FolderContents {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`${dir} is not a folder`);
  const files: string[] = [];
  walk(root, root, files);
  const docs: CorpusDocInput[] = [];
  const docByStem = new Map<string, CorpusDocInput>();
  const imageFiles: string[] = [];
  const skippedFiles: string[] = [];
  for (const rel of files) {
    const ext = path.extname(rel).toLowerCase();
    if (imageExtensions.has(ext)) {
      imageFiles.push(rel);
      continue;
    }
    if (!docExtensions.has(ext)) {
      skippedFiles.push(rel);
      continue;
    }
    const text = () =>
      readFileSyncWithin(rel, root, { maxBytes: MAX_DOCUMENT_BYTES, confineTo: root }).toString('utf8');
    let parsed: CorpusDocInput[];
    if (ext === '.jsonl') parsed = fromJsonl(rel, root, maxLineBytes);
    else if (ext === '.html' || ext === '.htm') parsed = [fromHtml(rel, text())];
    else if (ext === '.txt') parsed = [fromText(rel, text())];
    else parsed = [fromMarkdown(rel, text(), root)];
    for (const doc of parsed) {
      if (!doc.body.trim()) throw new Error(`${doc.source}: the document has no text`);
      docs.push(doc);
    }
    if (ext !== '.jsonl') docByStem.set(rel.replace(/\.[^.]+$/, ''), parsed[0]);
  }
  // Images a JSONL row or a Markdown page names belong to that document only.
  const claimed = new Set(docs.flatMap((d) => (d.images ?? []).map((i) => i.path)));
  const images: CorpusImageInput[] = [];
  for (const rel of imageFiles) {
    if (claimed.has(path.join(root, rel))) continue;
    const owner = docByStem.get(rel.replace(/\.[^.]+$/, ''));
    const image: CorpusImageInput = { path: path.join(root, rel), source: rel };
    if (owner) (owner.images ??= []).push(image);
    else images.push(image);
  }
  return { docs, images, skippedFiles };
}
