// Answer scoring: normalisation as in the method's code (SQuAD-style), exact match, SubEM and token F1.

/** Lower-case, strip punctuation, drop the articles a/an/the, collapse whitespace. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The gold answers: the ground truth plus the candidate answers, normalised, without empties. */
export function goldAnswers(groundTruth: string, candidates: readonly string[] = []): string[] {
  return [...new Set([groundTruth, ...candidates].map(normalizeAnswer).filter((a) => a.length > 0))];
}

export function exactMatch(prediction: string, gold: readonly string[]): number {
  const p = normalizeAnswer(prediction);
  return gold.some((g) => g === p) ? 1 : 0;
}

/** SubEM: some gold answer is contained in the prediction (on word boundaries). */
export function subExactMatch(prediction: string, gold: readonly string[]): number {
  const p = ` ${normalizeAnswer(prediction)} `;
  return gold.some((g) => p.includes(` ${g} `)) ? 1 : 0;
}

/** Token-level F1 against the best-matching gold answer. */
export function tokenF1(prediction: string, gold: readonly string[]): number {
  const predTokens = normalizeAnswer(prediction).split(' ').filter(Boolean);
  let best = 0;
  for (const g of gold) {
    const goldTokens = g.split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const t of goldTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    let common = 0;
    for (const t of predTokens) {
      const n = counts.get(t) ?? 0;
      if (n > 0) {
        common++;
        counts.set(t, n - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / predTokens.length;
    const recall = common / goldTokens.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}
