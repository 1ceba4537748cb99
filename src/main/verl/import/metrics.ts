// A step's dashboard metrics from imported rollouts: the names a SearchLab GRPO step records (rl/train/metrics.ts)
// where the cluster's dump has what they need, with the cluster's score as the reward.
import type { ImportedTrajectory } from './trajectories';

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

export function stepMetrics(groups: readonly ImportedTrajectory[][], prefix: '' | 'val/'): Record<string, number> {
  const all = groups.flat();
  const rewards = all.map((t) => t.record.score);
  const searched = (t: ImportedTrajectory, kind: string) =>
    t.turns.some((turn) => turn.parsed.action.kind === kind) ? 1 : 0;
  const metrics: Record<string, number> = {
    reward_mean: mean(rewards),
    reward_std: std(rewards),
    accuracy: mean(all.map((t) => t.searchlab.score)),
    format_rate: mean(all.map((t) => t.searchlab.format)),
    search_ratio: mean(all.map((t) => Math.max(searched(t, 'image_search'), searched(t, 'text_search')))),
    image_search_ratio: mean(all.map((t) => searched(t, 'image_search'))),
    text_search_ratio: mean(all.map((t) => searched(t, 'text_search'))),
    turns: mean(all.map((t) => t.turns.length)),
    zero_variance_groups: prefix
      ? 0
      : mean(groups.map((g) => (g.length > 1 && g.every((t) => t.record.score === g[0].record.score) ? 1 : 0))),
    searchlab_reward_mean: mean(all.map((t) => t.searchlab.total)),
    reward_disagreements: all.filter((t) => Math.abs(t.record.score - t.searchlab.total) > 1e-6).length,
  };
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`${prefix}${k}`, v]));
}
