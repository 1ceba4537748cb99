// What the run that made a checkpoint was configured with, for work done later on that checkpoint (evaluation,
// replay, decision probabilities, label suggestions), so that it sees and computes as the run did.
import type { Store } from '../../storage';
import { Policy } from '../../model/tiny/vlm';
import { RunConfig } from './config';
import { readState } from './state';

/** The config of the GRPO run that made a checkpoint; none for a checkpoint of no run (a pre-trained model). */
export function runConfigOfCheckpoint(store: Store, checkpointId: number): RunConfig | undefined {
  const runId = store.repos.runs.checkpoint(checkpointId)?.runId;
  if (runId === null || runId === undefined) return undefined;
  const parsed = RunConfig.safeParse(store.repos.runs.get(runId)?.config);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A policy on a checkpoint's model, with the ONNX Runtime threads its run asked for (`runtime.cpuThreads`; ORT's
 * choice when unset or of no run): a replay or an evaluation of a one-thread run then repeats bit for bit, as the
 * run did. `frozen` for work that never trains it.
 */
export function checkpointPolicy(store: Store, checkpoint: { id: number; path: string }, options: { frozen?: boolean } = {}): Policy {
  const threads = runConfigOfCheckpoint(store, checkpoint.id)?.runtime.cpuThreads ?? undefined;
  return new Policy(readState(checkpoint.path).model, { device: 'auto', frozen: options.frozen, threads });
}
