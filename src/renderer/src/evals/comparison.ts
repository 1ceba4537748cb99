// The method's comparison table, built from stored evaluations: one column per evaluated policy, rows for
// accuracy, search ratio (overall, image, text), searches per question and cost, then accuracy and search ratio
// by data source and by search-need label. Each cell knows which trajectories it counts (for the debugger), and
// the whole table exports as CSV or Markdown with the figures the page shows.
import type { EvalMetrics, EvaluationSummary, GroupMetrics } from '../../../shared/contract';
import type { Filters } from '../trajectories/store';

export const POLICY_TITLES: Record<string, string> = {
  policy: 'Policy',
  direct: 'Direct answering',
  rag: 'Always-search RAG',
};

export interface Column {
  evaluation: EvaluationSummary;
  /** "Policy", "Direct answering" or "Always-search RAG". */
  title: string;
  /** The evaluation's name: which checkpoint on which dataset. */
  subtitle: string;
}

type Format = 'percent' | 'number' | 'money' | 'count';

export interface Row {
  id: string;
  /** Section heading this row belongs to ('' for the overall figures). */
  section: string;
  label: string;
  format: Format;
  value(metrics: EvalMetrics): number | undefined;
  /**
   * The trajectories behind the cell (the debugger's filters on the column's eval run): for a ratio, those it counts
   * (a search of the kind for the image and text ratios); for searches and cost, those that searched.
   */
  filters: Filters;
}

export const columnsOf = (evaluations: readonly EvaluationSummary[]): Column[] =>
  evaluations.map((evaluation) => ({
    evaluation,
    title: POLICY_TITLES[evaluation.policy] ?? evaluation.policy,
    subtitle: evaluation.name,
  }));

const overallRows: Row[] = [
  { id: 'accuracy', section: '', label: 'Accuracy', format: 'percent', value: (m) => m.accuracy, filters: {} },
  {
    id: 'search',
    section: '',
    label: 'Search ratio',
    format: 'percent',
    value: (m) => m.searchRatio,
    filters: { searched: true },
  },
  {
    id: 'image',
    section: '',
    label: 'Search ratio · image',
    format: 'percent',
    value: (m) => m.imageSearchRatio,
    filters: { searchKind: 'image' },
  },
  {
    id: 'text',
    section: '',
    label: 'Search ratio · text',
    format: 'percent',
    value: (m) => m.textSearchRatio,
    filters: { searchKind: 'text' },
  },
  {
    id: 'searches',
    section: '',
    label: 'Searches per question',
    format: 'number',
    value: (m) => m.searchesPerQuestion,
    filters: { searched: true },
  },
  {
    id: 'cost',
    section: '',
    label: 'Search cost',
    format: 'money',
    value: (m) => m.searchCost,
    filters: { searched: true },
  },
  { id: 'reward', section: '', label: 'Mean reward', format: 'number', value: (m) => m.rewardMean, filters: {} },
  { id: 'questions', section: '', label: 'Questions', format: 'count', value: (m) => m.questions, filters: {} },
];

/** Accuracy and search ratio for each key of a breakdown (data source or search need) that any column has. */
function breakdownRows(
  columns: readonly Column[],
  section: string,
  of: (m: EvalMetrics) => Record<string, GroupMetrics> | undefined,
  filter: (key: string) => Filters,
): Row[] {
  const keys = [...new Set(columns.flatMap((c) => Object.keys(of(c.evaluation.metrics) ?? {})))].sort();
  return keys.flatMap((key) => [
    {
      id: `${section}:${key}:accuracy`,
      section,
      label: `${key} · accuracy`,
      format: 'percent' as const,
      value: (m: EvalMetrics) => of(m)?.[key]?.accuracy,
      filters: filter(key),
    },
    {
      id: `${section}:${key}:search`,
      section,
      label: `${key} · search ratio`,
      format: 'percent' as const,
      value: (m: EvalMetrics) => of(m)?.[key]?.searchRatio,
      filters: { ...filter(key), searched: true },
    },
  ]);
}

export function rowsOf(columns: readonly Column[]): Row[] {
  return [
    ...overallRows,
    ...breakdownRows(
      columns,
      'By data source',
      (m) => m.bySource,
      (dataSource) => ({ dataSource }),
    ),
    ...breakdownRows(
      columns,
      'By search need',
      (m) => m.byNeed,
      (need) => ({ need }),
    ),
  ];
}

export function formatValue(value: number | undefined, format: Format): string {
  if (value === undefined) return '—';
  if (format === 'percent') return `${(100 * value).toFixed(1)}%`;
  if (format === 'money') return `$${value.toFixed(2)}`;
  if (format === 'count') return String(value);
  return value.toFixed(2);
}

/** The table as text rows: a header, then one line per row (the section prefixed to breakdown labels). */
function textTable(columns: readonly Column[]): string[][] {
  const header = ['', ...columns.map((c) => `${c.title} (${c.subtitle})`)];
  const body = rowsOf(columns).map((row) => [
    row.section ? `${row.section}: ${row.label}` : row.label,
    ...columns.map((c) => formatValue(row.value(c.evaluation.metrics), row.format)),
  ]);
  return [header, ...body];
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

export function toCsv(columns: readonly Column[]): string {
  return (
    textTable(columns)
      .map((line) => line.map(csvField).join(','))
      .join('\n') + '\n'
  );
}

const mdField = (s: string) => s.replaceAll('|', '\\|');

export function toMarkdown(columns: readonly Column[]): string {
  const [header, ...body] = textTable(columns);
  const line = (cells: string[]) => `| ${cells.map(mdField).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n') + '\n';
}

/**
 * What the page compares before the user picks, as the method reports it: the policy before training and after,
 * beside the two baselines, all on one dataset. Around `focus` (the newest evaluation unless given): its dataset;
 * direct answering and always-search RAG of its checkpoint (else the newest on that dataset); the policy on
 * `focus`'s checkpoint, the newest policy evaluation, and the policy on the baselines' checkpoint (the model before
 * training, which the demo evaluates with both baselines). Policy columns come oldest first (before, then after),
 * then the baselines.
 */
export function defaultSelection(
  evaluations: readonly EvaluationSummary[],
  focus: EvaluationSummary | undefined = evaluations[0],
): number[] {
  if (!focus) return [];
  // Newest first, as evals.list returns them: the first match is the newest.
  const onDataset = evaluations.filter((e) => e.datasetId === focus.datasetId);
  const find = (policy: string, checkpointId?: number | null) =>
    onDataset.find((e) => e.policy === policy && (checkpointId === undefined || e.checkpointId === checkpointId));
  const pick = (policy: string) =>
    focus.policy === policy ? focus : (find(policy, focus.checkpointId) ?? find(policy));
  const baselines = [pick('direct'), pick('rag')].filter((e): e is EvaluationSummary => e !== undefined);
  const policies = [pick('policy'), find('policy'), ...baselines.map((b) => find('policy', b.checkpointId))].filter(
    (e): e is EvaluationSummary => e !== undefined,
  );
  const byAge = (a: EvaluationSummary, b: EvaluationSummary) => a.createdAt - b.createdAt || a.id - b.id;
  return [...new Set([...[...new Set(policies)].sort(byAge), ...baselines].map((e) => e.id))];
}
