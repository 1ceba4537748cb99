// GRPO groups rebuilt from a step's records: the rollouts of one prompt share its decoded input. veRL repeats each
// prompt rollout.n times side by side; records with the same input are gathered (so a reordered batch still
// groups) and cut into groups of the group size: given, or the largest size every prompt's count divides.
import type { RolloutRecord } from './records';

export interface RecordGroup {
  step: number;
  source: RolloutRecord['source'];
  records: RolloutRecord[];
}

export class GroupSizeError extends Error {}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function byInput(records: readonly RolloutRecord[]): RolloutRecord[][] {
  const gathered = new Map<string, RolloutRecord[]>();
  for (const r of records) {
    const same = gathered.get(r.input);
    if (same) same.push(r);
    else gathered.set(r.input, [r]);
  }
  return [...gathered.values()];
}

function stepsOf(records: readonly RolloutRecord[]): Map<number, RolloutRecord[]> {
  const steps = new Map<number, RolloutRecord[]>();
  for (const r of records) {
    const list = steps.get(r.step);
    if (list) list.push(r);
    else steps.set(r.step, [r]);
  }
  return steps;
}

/** The group size of training records: given, or detected; refused with what to pass when it cannot be told. */
export function detectGroupSize(train: readonly RolloutRecord[], given?: number, skippedBad = false): number {
  const counts = [...stepsOf(train).values()].flatMap((records) => byInput(records).map((g) => g.length));
  if (counts.length === 0) return given ?? 1;
  // With bad lines skipped a group may be short: the size given is taken as it is.
  if (given !== undefined && skippedBad) return given;
  if (given !== undefined) {
    const prompt = [...stepsOf(train).values()].flatMap(byInput).find((g) => g.length % given !== 0);
    if (prompt) {
      throw new GroupSizeError(
        `${prompt[0].file}:${prompt[0].line}: the prompt of this rollout has ${prompt.length} rollouts ` +
          `in step ${prompt[0].step}, which is not a multiple of --group-size ${given}`,
      );
    }
    return given;
  }
  const size = counts.reduce(gcd);
  if (size < 2) {
    throw new GroupSizeError(
      counts.every((c) => c === 1)
        ? "Cannot tell the GRPO group size: every prompt appears once per step. Pass --group-size N (the run's rollout.n; 1 if it had no groups)."
        : `Cannot tell the GRPO group size: prompts appear ${[...new Set(counts)].sort((a, b) => a - b).join(', ')} ` +
            "times per step. Pass --group-size N (the run's rollout.n).",
    );
  }
  return size;
}

/** Training records in groups of `size` per prompt; validation records one group each (veRL validates with n = 1). */
export function buildGroups(records: readonly RolloutRecord[], size: number): RecordGroup[] {
  const groups: RecordGroup[] = [];
  for (const source of ['train', 'val'] as const) {
    const steps = stepsOf(records.filter((r) => r.source === source));
    for (const [step, stepRecords] of [...steps.entries()].sort((a, b) => a[0] - b[0])) {
      for (const prompt of source === 'train' ? byInput(stepRecords) : stepRecords.map((r) => [r])) {
        for (let i = 0; i < prompt.length; i += source === 'train' ? size : 1) {
          groups.push({ step, source, records: prompt.slice(i, i + (source === 'train' ? size : 1)) });
        }
      }
    }
  }
  return groups;
}
