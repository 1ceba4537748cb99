// Variable completion for the expression editor: the identifier being typed at the caret, and the names
// (variables, constants, functions) that start with it.
export function wordAt(text: string, caret: number): { start: number; word: string } {
  let start = caret;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  return { start, word: text.slice(start, caret) };
}

export function completions(word: string, names: readonly string[]): string[] {
  if (!word || /^[0-9]/.test(word)) return [];
  return names.filter((n) => n.startsWith(word) && n !== word).slice(0, 8);
}
