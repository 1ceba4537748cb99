// What running a model needs, estimated before anything is loaded, against what the machine has free. The runtime
// holds weights once per device, in float32: on the host always (the folder's arrays), and on a GPU too when CUDA
// runs it (the sessions' initializers). The KV cache lives on the host and is copied to the GPU for each decode step;
// activations are bounded by the widest layer of a prefill (rows are prefilled one at a time), one layer's cache
// joined with a step's new keys, and the logits a run returns.

import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

export interface ModelShape {
  parameters: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  hidden: number;
  intermediate: number;
  vocab: number;
}

export interface RunShape {
  /** Sequences decoded together. */
  batch: number;
  /** Longest sequence (prompt + generated tokens). */
  length: number;
}

/** One training pass: a micro-batch's rows and length, and whether a frozen KL reference is held beside the policy. */
export type TrainingShape = RunShape & { reference: boolean };

export interface MemoryNeed {
  weights: number;
  kvCache: number;
  activations: number;
  total: number;
}

const F32 = 4;

/** Positions scored per run when a sequence's log-probs are computed (its logits are held chunk by chunk). */
export const SCORING_CHUNK = 256;

export function inferenceMemory(model: ModelShape, run: RunShape): MemoryNeed {
  const weights = model.parameters * F32;
  const kvCache = 2 * model.layers * run.batch * model.kvHeads * run.length * model.headDim * F32;
  // one layer's widest intermediates (the MLP's gate and up projections and their product) over one row's prompt,
  // the residual stream and attention outputs, twice (a layer's inputs live while its outputs are made); a decode
  // step's join of one layer's cached and new keys and values; the logits of a decode step or a scoring chunk
  const activations =
    2 * run.length * (2 * model.intermediate + 4 * model.hidden) * F32 +
    2 * run.batch * model.kvHeads * run.length * model.headDim * F32 +
    Math.max(run.batch, SCORING_CHUNK) * model.vocab * F32;
  return { weights, kvCache, activations, total: weights + kvCache + activations };
}

/** Memory the system could give this process now: MemAvailable where Linux reports it, else free memory. */
export function availableRam(): number {
  try {
    const line = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (line) return Number(line[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}

/** Bytes for people: MiB below a GiB, GiB above. */
export const gib = (bytes: number) =>
  bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;

export class InsufficientMemoryError extends Error {}

/** Throws, naming the numbers and what would fit, when the need exceeds what is available. */
export function checkMemory(
  what: string,
  model: ModelShape,
  run: RunShape,
  available = availableRam(),
  memory = 'memory',
): MemoryNeed {
  const need = inferenceMemory(model, run);
  if (need.total <= available) return need;
  const advice: string[] = [];
  if (run.batch > 1) {
    let batch = run.batch;
    while (batch > 1 && inferenceMemory(model, { ...run, batch }).total > available) batch = Math.floor(batch / 2);
    if (inferenceMemory(model, { ...run, batch }).total <= available) advice.push(`a batch of ${batch}`);
  }
  if (need.weights < available)
    advice.push(
      `shorter sequences (the KV cache and activations take ${gib(need.kvCache + need.activations)} at ${run.length} tokens)`,
    );
  advice.push('a smaller model of the family, or LoRA training on a GPU machine');
  throw new InsufficientMemoryError(
    `${what} needs about ${gib(need.total)} (weights ${gib(need.weights)} in float32, ` +
      `KV cache ${gib(need.kvCache)} for ${run.batch} × ${run.length} tokens, activations ${gib(need.activations)}) ` +
      `but ${gib(available)} of ${memory} is available; try ${advice.join(', or ')}`,
  );
}

/**
 * Full training in float32, one micro-batch at a time: the weights, the accumulated gradient, Adam's two moments and
 * the new parameters and moments a step returns before the old ones are let go (7 copies), plus the frozen
 * reference's copy when the loss has a KL term; and the activations a backward pass keeps, layer by layer (every
 * head's attention scores among them), with the micro-batch's [rows, length, vocabulary] logits and their gradient.
 * The pictures' vision-tower activations are not counted: a few thousand patch rows are small beside the logits.
 */
export function trainingMemory(model: ModelShape, run: TrainingShape): MemoryNeed {
  const weights = model.parameters * F32 * (7 + (run.reference ? 1 : 0));
  const tokens = run.batch * run.length;
  const activations =
    model.layers * tokens * (8 * model.hidden + 3 * model.intermediate) * F32 +
    // every query head's attention scores and their softmax
    model.layers * run.batch * (model.hidden / model.headDim) * run.length * run.length * F32 * 2 +
    4 * tokens * model.vocab * F32;
  return { weights, kvCache: 0, activations, total: weights + activations };
}

/** Throws, naming the numbers and what would fit, when training would need more memory than is available. */
export function checkTrainingMemory(
  what: string,
  model: ModelShape,
  run: TrainingShape,
  available = availableRam(),
  memory = 'memory',
): MemoryNeed {
  const need = trainingMemory(model, run);
  if (need.total <= available) return need;
  const advice: string[] = [];
  if (need.weights < available)
    advice.push(
      `a smaller grpo.microBatch or grpo.maxSequenceLength (activations take ${gib(need.activations)} at ` +
        `${run.batch} × ${run.length} tokens)`,
    );
  advice.push('a smaller model of the family', 'training it on veRL (`searchlab export-verl`)');
  throw new InsufficientMemoryError(
    `training ${what} needs about ${gib(need.total)} (${gib(need.weights)} for the float32 weights, their gradient, ` +
      `AdamW's moments${run.reference ? ' and the KL reference' : ''}; activations ${gib(need.activations)} for ` +
      `${run.batch} × ${run.length} tokens) but ${gib(available)} of ${memory} is available; try ${advice.join(', or ')}`,
  );
}
