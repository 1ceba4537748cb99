// What a GRPO step records (DESIGN.md; issue: the run dashboard's charts).
import type { Trajectory } from '../rollout/types';
import type { RewardBreakdown } from '../reward/spec';
import { cudaProcessMemoryMiB } from '../../platform/device';

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

export function rolloutMetrics(
  trajectories: readonly Trajectory[],
  rewards: readonly RewardBreakdown[],
  zeroVarianceGroups: number,
  groups: number,
): Record<string, number> {
  const totals = rewards.map((r) => r.total);
  const tools = trajectories.flatMap((t) => t.turns.map((turn) => turn.tool).filter((x) => x !== null));
  const searchedImage = trajectories.map((t) => (t.turns.some((turn) => turn.action.kind === 'image_search') ? 1 : 0));
  const searchedText = trajectories.map((t) => (t.turns.some((turn) => turn.action.kind === 'text_search') ? 1 : 0));
  return {
    reward_mean: mean(totals),
    reward_std: std(totals),
    accuracy: mean(rewards.map((r) => r.score)),
    format_rate: mean(rewards.map((r) => r.format)),
    search_ratio: mean(trajectories.map((_, i) => Math.max(searchedImage[i], searchedText[i]))),
    image_search_ratio: mean(searchedImage),
    text_search_ratio: mean(searchedText),
    searches_per_trajectory: mean(trajectories.map((t) => t.turns.filter((turn) => turn.tool !== null).length)),
    zero_variance_groups: groups ? zeroVarianceGroups / groups : 0,
    response_length: mean(trajectories.map((t) => t.generatedTokens)),
    turns: mean(trajectories.map((t) => t.turns.length)),
    tool_latency_ms: mean(tools.map((t) => t.latencyMs)),
    tool_errors: tools.filter((t) => !t.ok).length,
    cache_hit_ratio: tools.length ? tools.filter((t) => t.cache === 'hit').length / tools.length : 0,
  };
}

const MIB = 2 ** 20;

/**
 * Memory at the end of a step: the process's resident host memory (RSS) always; on the CUDA provider also the GPU
 * memory the driver reports for this process (onnxruntime-node exposes no allocator statistics), when it can tell.
 */
export function memoryMetrics(
  device: 'cpu' | 'cuda',
  cudaMemory: () => number | null = cudaProcessMemoryMiB,
): Record<string, number> {
  const out: Record<string, number> = { host_memory_mib: process.memoryUsage().rss / MIB };
  const gpu = device === 'cuda' ? cudaMemory() : null;
  if (gpu !== null) out.device_memory_mib = gpu;
  return out;
}
