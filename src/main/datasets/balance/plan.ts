// Balanced subsets: a target share of search-required samples, kept within every data source (stratified),
// drawn with a seeded shuffle so the same recipe gives the same subset.
import type { z } from 'zod';
import type { BalanceParams, BalancePlan, DatasetSummary, SearchNeed } from '../../../shared/contract';
import type { Store } from '../../storage';
import { seededRandom } from '../../platform/random';
import { pushAll } from '../../platform/arrays';

type Params = z.output<typeof BalanceParams>;
type Need = 'required' | 'free' | 'unknown';

/** The annotators' majority label (unsure ignored); a tie gives no answer. */
export function consensus(labels: SearchNeed[]): SearchNeed | null {
  const counts = new Map<SearchNeed, number>();
  for (const l of labels) if (l !== 'unsure') counts.set(l, (counts.get(l) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  if (sorted.length === 0 || (sorted.length > 1 && sorted[0][1] === sorted[1][1])) return null;
  return sorted[0][0];
}

function needOf(label: SearchNeed | null): Need {
  if (label === null || label === 'unsure') return 'unknown';
  return label === 'search_free' ? 'free' : 'required';
}

function shuffled<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Stratum {
  dataSource: string | null;
  required: number[];
  free: number[];
}

function strataOf(store: Store, params: Params): { strata: Stratum[]; unknown: number } {
  const byKey = new Map<string, Stratum>();
  let unknown = 0;
  for (const s of store.repos.samples.needs(params.datasetId)) {
    const fromLabels = params.labelSource === 'construction' ? null : consensus(s.labels);
    const label = params.labelSource === 'labels' ? fromLabels : (fromLabels ?? s.searchNeed);
    const need = needOf(label);
    if (need === 'unknown') {
      unknown++;
      continue;
    }
    const key = s.dataSource ?? '\u0000';
    const stratum = byKey.get(key) ?? { dataSource: s.dataSource, required: [], free: [] };
    stratum[need].push(s.id);
    byKey.set(key, stratum);
  }
  return {
    strata: [...byKey.values()].sort((a, b) => (a.dataSource ?? '').localeCompare(b.dataSource ?? '')),
    unknown,
  };
}

/** How many of each kind to take per data source so that every source keeps the target share. */
function allocate(
  strata: Stratum[],
  f: number,
  size: number | undefined,
): { pickRequired: number; pickFree: number }[] {
  const full = strata.map((s) => {
    const total = Math.floor(Math.min(s.required.length / f, s.free.length / (1 - f)) + 1e-9);
    const pickRequired = Math.min(s.required.length, Math.round(total * f));
    return { pickRequired, pickFree: Math.min(s.free.length, total - pickRequired) };
  });
  const available = full.reduce((n, p) => n + p.pickRequired + p.pickFree, 0);
  if (size === undefined || size >= available) return full;
  // Shrink every source by the same factor; hand out what rounding left over to the largest sources.
  const factor = size / available;
  const scaled = full.map((p) => {
    const total = Math.floor((p.pickRequired + p.pickFree) * factor);
    const pickRequired = Math.min(p.pickRequired, Math.round(total * f));
    return { pickRequired, pickFree: Math.min(p.pickFree, total - pickRequired) };
  });
  let left = size - scaled.reduce((n, p) => n + p.pickRequired + p.pickFree, 0);
  const order = full.map((p, i) => ({ i, n: p.pickRequired + p.pickFree })).sort((a, b) => b.n - a.n);
  while (left > 0) {
    let gave = false;
    for (const { i } of order) {
      if (left === 0) break;
      const p = scaled[i];
      const wantRequired =
        (p.pickRequired + 1) / (p.pickRequired + p.pickFree + 1) <= f || p.pickFree >= full[i].pickFree;
      if (wantRequired && p.pickRequired < full[i].pickRequired) p.pickRequired++;
      else if (p.pickFree < full[i].pickFree) p.pickFree++;
      else continue;
      left--;
      gave = true;
    }
    if (!gave) break;
  }
  return scaled;
}

export function planBalance(store: Store, params: Params): BalancePlan & { picks: number[] } {
  if (!store.repos.datasets.find(params.datasetId)) throw new Error(`No dataset with id ${params.datasetId}`);
  const { strata, unknown } = strataOf(store, params);
  const allocation = allocate(strata, params.searchRequiredFraction, params.size);
  const next = seededRandom(params.seed);
  const picks: number[] = [];
  const rows = strata.map((s, i) => {
    const { pickRequired, pickFree } = allocation[i];
    pushAll(picks, shuffled(s.required, next).slice(0, pickRequired));
    pushAll(picks, shuffled(s.free, next).slice(0, pickFree));
    return { dataSource: s.dataSource, required: s.required.length, free: s.free.length, pickRequired, pickFree };
  });
  return {
    strata: rows,
    available: {
      required: rows.reduce((n, r) => n + r.required, 0),
      free: rows.reduce((n, r) => n + r.free, 0),
      unknown,
    },
    total: picks.length,
    // Sample ids grow with row order within a dataset: keep the source's order.
    picks: picks.sort((a, b) => a - b),
  };
}

export function buildBalanced(
  store: Store,
  params: Params,
  progress: (message: string) => void = () => {},
): DatasetSummary {
  const source = store.repos.datasets.find(params.datasetId);
  if (!source) throw new Error(`No dataset with id ${params.datasetId}`);
  if (store.repos.datasets.exists(params.name)) throw new Error(`A dataset named "${params.name}" already exists`);
  progress('Choosing samples');
  const plan = planBalance(store, params);
  if (plan.total === 0) {
    throw new Error(
      `No balanced subset is possible: ${plan.available.required} search-required and ${plan.available.free} search-free samples are known ` +
        `(${plan.available.unknown} have no usable label); every data source needs both kinds.`,
    );
  }
  const { picks, ...recipePlan } = plan;
  progress(`Copying ${picks.length.toLocaleString('en')} samples with their labels`);
  const id = store.db.transaction(() => {
    const id = store.repos.datasets.create({
      name: params.name,
      description: `Balanced subset of ${source.name}: ${Math.round(params.searchRequiredFraction * 100)}% search-required, stratified by data source`,
      source: null,
      recipe: {
        kind: 'balanced-subset',
        from: { id: source.id, name: source.name },
        searchRequiredFraction: params.searchRequiredFraction,
        size: params.size ?? null,
        labelSource: params.labelSource,
        seed: params.seed,
        strata: recipePlan.strata,
        createdAt: new Date().toISOString(),
      },
    });
    store.repos.samples.copyInto(id, picks);
    return id;
  })();
  return store.repos.datasets.summary(id)!;
}
