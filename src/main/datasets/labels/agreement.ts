// Agreement between annotators on nominal labels: Cohen's kappa for each pair, Krippendorff's alpha over all.
import type { Agreement, SearchNeed } from '../../../shared/contract';

/** Cohen's kappa over items both annotators labeled; null when chance agreement is already total. */
export function cohenKappa(pairs: [string, string][]): { observed: number | null; kappa: number | null } {
  const n = pairs.length;
  if (n === 0) return { observed: null, kappa: null };
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const observed = agree / n;
  let expected = 0;
  for (const [label, count] of a) expected += (count / n) * ((b.get(label) ?? 0) / n);
  if (expected >= 1) return { observed, kappa: null };
  return { observed, kappa: (observed - expected) / (1 - expected) };
}

/** Krippendorff's alpha for nominal data; units are the labels each sample got (those with fewer than two are skipped). */
export function krippendorffAlpha(units: string[][]): number | null {
  const coincidence = new Map<string, Map<string, number>>();
  const add = (c: string, k: string, w: number) => {
    const row = coincidence.get(c) ?? new Map<string, number>();
    row.set(k, (row.get(k) ?? 0) + w);
    coincidence.set(c, row);
  };
  for (const values of units) {
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(values[i], values[j], 1 / (m - 1));
  }
  const totals = new Map<string, number>();
  let n = 0;
  let disagreeing = 0;
  for (const [c, row] of coincidence)
    for (const [k, w] of row) {
      totals.set(c, (totals.get(c) ?? 0) + w);
      n += w;
      if (c !== k) disagreeing += w;
    }
  if (n <= 1) return null;
  let expectedPairs = 0;
  for (const [c, nc] of totals) for (const [k, nk] of totals) if (c !== k) expectedPairs += nc * nk;
  if (expectedPairs === 0) return null;
  return 1 - ((n - 1) * disagreeing) / expectedPairs;
}

const MAX_LISTED = 500;

export function agreementOf(
  labels: { sampleId: number; rowIndex: number; question: string; annotator: string; label: SearchNeed }[],
): Agreement {
  const bySample = new Map<number, { rowIndex: number; question: string; labels: Record<string, SearchNeed> }>();
  const annotators = new Set<string>();
  for (const l of labels) {
    annotators.add(l.annotator);
    const entry = bySample.get(l.sampleId) ?? { rowIndex: l.rowIndex, question: l.question, labels: {} };
    entry.labels[l.annotator] = l.label;
    bySample.set(l.sampleId, entry);
  }
  const names = [...annotators].sort();
  const pairs: Agreement['pairs'] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const both: [string, string][] = [];
      for (const { labels: ls } of bySample.values())
        if (ls[names[i]] && ls[names[j]]) both.push([ls[names[i]], ls[names[j]]]);
      pairs.push({ a: names[i], b: names[j], items: both.length, ...cohenKappa(both) });
    }
  const units = [...bySample.values()].map((s) => Object.values(s.labels));
  const disagreements: Agreement['disagreements'] = [];
  let disagreementCount = 0;
  for (const [sampleId, s] of bySample) {
    if (new Set(Object.values(s.labels)).size > 1) {
      disagreementCount++;
      if (disagreements.length < MAX_LISTED)
        disagreements.push({ sampleId, rowIndex: s.rowIndex, question: s.question, labels: s.labels });
    }
  }
  return {
    annotators: names,
    items: units.filter((u) => u.length >= 2).length,
    pairs,
    alpha: krippendorffAlpha(units),
    disagreementCount,
    disagreements,
  };
}
