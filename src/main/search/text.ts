// Small text helpers shared by the cache key, the local engine and the extractive summariser.

/** Lower-case, Unicode-normalised, whitespace collapsed: two spellings of one query share a cache entry. */
export function normaliseQuery(query: string): string {
  return query.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export const stopWords = new Set(
  (
    'a an the of in on at to for and or but is are was were be been being by with from as that this these those ' +
    'it its what which who whom whose when where why how does do did has have had not no than then there their ' +
    'they he she his her you your we our i me my'
  ).split(' '),
);

/** Content words of a text, lower-cased, stop words dropped; a light suffix strip so "towers" meets "tower". */
export function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => !stopWords.has(w)).map(stem);
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('es') && /(s|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Sentences of a page's text: split on end punctuation and on line breaks (headings, list items). */
export function sentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(\[])/u)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length >= 3);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)).trimEnd() + '…';
}
