// GRPO's group-normalised advantage: A = (r − mean of the group) / (std of the group + ε), with the
// unbiased standard deviation as in veRL's implementation (torch.std). A group whose rewards are all
// equal gives every member advantage 0: it carries no gradient, and the dashboards flag it.

export const ADVANTAGE_EPSILON = 1e-6;

export interface GroupAdvantages {
  advantages: number[];
  mean: number;
  std: number;
  /** Every reward in the group is the same, so the group teaches nothing. */
  zeroVariance: boolean;
}

export function groupAdvantages(rewards: readonly number[], epsilon = ADVANTAGE_EPSILON): GroupAdvantages {
  const n = rewards.length;
  if (n === 0) return { advantages: [], mean: 0, std: 0, zeroVariance: true };
  const mean = rewards.reduce((a, b) => a + b, 0) / n;
  // A group of one has no spread to normalise by: veRL then uses mean 0 and std 1, so A = r.
  if (n === 1) return { advantages: [rewards[0] / (1 + epsilon)], mean: 0, std: 1, zeroVariance: false };
  const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1));
  const zeroVariance = rewards.every((r) => r === rewards[0]);
  return { advantages: rewards.map((r) => (r - mean) / (std + epsilon)), mean, std, zeroVariance };
}

/** Advantages for a batch laid out group by group (groupSize consecutive rewards per prompt). */
export function batchAdvantages(
  rewards: readonly number[],
  groupSize: number,
): { advantages: number[]; zeroVarianceGroups: number; groups: number } {
  if (groupSize < 1 || rewards.length % groupSize !== 0)
    throw new Error(`${rewards.length} rewards do not split into groups of ${groupSize}`);
  const advantages: number[] = [];
  let zeroVarianceGroups = 0;
  for (let g = 0; g < rewards.length; g += groupSize) {
    const group = groupAdvantages(rewards.slice(g, g + groupSize));
    advantages.push(...group.advantages);
    if (group.zeroVariance) zeroVarianceGroups++;
  }
  return { advantages, zeroVarianceGroups, groups: rewards.length / groupSize };
}
