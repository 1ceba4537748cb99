// What the run that made a checkpoint was configured with, for work done later on that checkpoint (evaluation,
// replay, decision probabilities, label suggestions), so that it sees and computes as the run did.
import type { Store } from '../../storage';
import { RunConfig } from './config';

/** The config of the GRPO run that made a checkpoint; none for a checkpoint of no run (a pre-trained model). */
export function runConfigOfCheckpoint(store: Store, checkpointId: number): RunConfig | undefined {
  const runId = store.repos.runs.checkpoint(checkpointId)?.runId;
  if (runId === null || runId === undefined) return undefined;
  const parsed = RunConfig.safeParse(store.repos.runs.get(runId)?.config);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The ONNX Runtime threads the checkpoint's run asked for (`runtime.cpuThreads`): with them, a replay or an
 * evaluation of a one-thread run repeats bit for bit, as the run did. Unset: ONNX Runtime's choice.
 */
export function checkpointThreads(store: Store, checkpointId: number): number | undefined {
  return runConfigOfCheckpoint(store, checkpointId)?.runtime.cpuThreads ?? undefined;
}
