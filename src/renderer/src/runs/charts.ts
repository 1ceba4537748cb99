// What the dashboard charts: each chart is a title and the metric names it plots (as rl/train/metrics.ts and
// the GRPO step record them). A chart whose metrics a run never recorded is left out.
export interface ChartSpec {
  id: string;
  title: string;
  metrics: string[];
  /** Values are ratios: draw them as percentages. */
  ratio?: boolean;
}

export const CHARTS: ChartSpec[] = [
  { id: 'reward', title: 'Reward (mean, std)', metrics: ['reward_mean', 'reward_std'] },
  { id: 'accuracy', title: 'Accuracy and format rate', metrics: ['accuracy', 'format_rate'], ratio: true },
  {
    id: 'search',
    title: 'Search ratio (any, image, text)',
    metrics: ['search_ratio', 'image_search_ratio', 'text_search_ratio'],
    ratio: true,
  },
  { id: 'zero-variance', title: 'Zero-variance groups', metrics: ['zero_variance_groups'], ratio: true },
  { id: 'kl', title: 'KL to the reference', metrics: ['kl'] },
  { id: 'entropy', title: 'Entropy', metrics: ['entropy'] },
  { id: 'clip', title: 'Clip fraction', metrics: ['clip_fraction'], ratio: true },
  { id: 'length', title: 'Response length (tokens)', metrics: ['response_length'] },
  { id: 'turns', title: 'Turns and searches per trajectory', metrics: ['turns', 'searches_per_trajectory'] },
  { id: 'tool-latency', title: 'Tool latency (ms)', metrics: ['tool_latency_ms'] },
  { id: 'tool-errors', title: 'Tool errors and cache hits', metrics: ['tool_errors', 'cache_hit_ratio'] },
  { id: 'throughput', title: 'Throughput (tokens/s)', metrics: ['tokens_per_second'] },
  { id: 'step-time', title: 'Step and rollout time (s)', metrics: ['step_seconds', 'rollout_seconds'] },
  { id: 'loss', title: 'Loss and gradient norm', metrics: ['loss', 'pg_loss', 'grad_norm'] },
  { id: 'memory', title: 'Memory (MiB): GPU (CUDA) and host (RSS)', metrics: ['device_memory_mib', 'host_memory_mib'] },
];

/** The union of the runs' steps as the x axis, each run × metric aligned to it (null where not recorded). */
export function alignSeries(
  runs: { id: number; series: Record<string, { steps: number[]; values: number[] }> }[],
  metrics: string[],
) {
  const steps = [...new Set(runs.flatMap((r) => metrics.flatMap((m) => r.series[m]?.steps ?? [])))].sort(
    (a, b) => a - b,
  );
  const index = new Map(steps.map((s, i) => [s, i]));
  const lines: { runId: number; metric: string; values: (number | null)[] }[] = [];
  for (const run of runs) {
    for (const metric of metrics) {
      const s = run.series[metric];
      if (!s) continue;
      const values: (number | null)[] = steps.map(() => null);
      s.steps.forEach((step, i) => (values[index.get(step)!] = s.values[i]));
      lines.push({ runId: run.id, metric, values });
    }
  }
  return { steps, lines };
}
