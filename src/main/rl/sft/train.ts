// SFT cold start: teach a model the protocol from teacher sequences (NLL over the model's own turns, every token
// weighted alike).
// Sequences are grouped by length, and each group trains at its own padded length (a session per shape), so short
// conversations do not pay for the longest one. Any trainable policy: the tiny VLM or a published family.
import {
  bucketLength,
  sftTokenSumLoss,
  type PolicyImage,
  type TrainablePolicy,
  type TrainingOptions,
} from '../../model';
import { isLoraWeight } from '../../model';
import type { TeacherSequence } from './scripted';
import { Random } from '../../platform/random';
import { learningRate, type LrDecay } from '../train/schedule';
import { maxOf, pushAll } from '../../platform/arrays';

export interface SftOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Decay of the learning rate over the whole run, to `minLrRatio`·lr at the end (constant when unset). */
  decay?: LrDecay;
  minLrRatio?: number;
  /** Weights this run leaves as they are (by name), for example a vision tower while pictures play no part. */
  frozen?: (name: string) => boolean;
  seed?: number;
  /** Sequences are padded up to a multiple of this (fewer, larger groups trade padding for session count). */
  lengthStep?: number;
  onStep?(step: number, loss: number): void;
  shouldStop?(): boolean;
}

/** A teacher sequence whose images are a family's own inputs (TeacherSequence's are the tiny VLM's pixel arrays). */
export interface SftSequence {
  ids: readonly number[];
  lossMask: readonly number[];
  images: readonly (PolicyImage | Float32Array)[];
}

const policyImage = (i: PolicyImage | Float32Array): PolicyImage => (i instanceof Float32Array ? { pixels: i } : i);

/** Trains on every sequence `epochs` times in shuffled mini-batches; returns each step's loss. */
export async function trainSft(
  policy: TrainablePolicy,
  sequences: readonly (TeacherSequence | SftSequence)[],
  options: SftOptions,
): Promise<number[]> {
  if (sequences.length < options.batchSize)
    throw new Error(`SFT needs at least ${options.batchSize} sequences, got ${sequences.length}`);
  const step = options.lengthStep ?? 32;
  const groups = new Map<number, number[]>();
  sequences.forEach((s, i) => {
    const length = bucketLength(s.ids.length, step);
    groups.set(length, [...(groups.get(length) ?? []), i]);
  });
  // A group smaller than a batch joins the next longer one.
  const lengths = [...groups.keys()].sort((a, b) => a - b);
  for (let k = 0; k < lengths.length - 1; k++) {
    const members = groups.get(lengths[k])!;
    if (members.length < options.batchSize) {
      pushAll(groups.get(lengths[k + 1])!, members);
      groups.delete(lengths[k]);
    }
  }
  if (groups.get(lengths.at(-1)!)!.length < options.batchSize && groups.size > 1) {
    const [last, previous] = [...groups.keys()].sort((a, b) => b - a);
    pushAll(groups.get(last)!, groups.get(previous)!);
    groups.delete(previous);
  }

  // Every learned token weighs the same in every batch: the loss is a sum over the batch's tokens divided by the
  // number a batch holds on average over the whole set (batches are grouped by length, so a per-batch mean would
  // favour the tokens of short conversations).
  const learnedTokens = sequences.reduce((n, s) => n + s.lossMask.reduce((a, b) => a + b, 0), 0);
  const tokenWeight = sequences.length / (options.batchSize * Math.max(1, learnedTokens));

  const random = new Random(options.seed ?? 1);
  const losses: number[] = [];
  const batchesPerEpoch = [...groups.values()].reduce(
    (n, members) => n + Math.floor(members.length / options.batchSize),
    0,
  );
  const schedule = {
    lr: options.lr,
    warmupSteps: 0,
    decay: options.decay ?? 'constant',
    minLrRatio: options.minLrRatio ?? 0,
    steps: batchesPerEpoch * options.epochs,
  };
  const imagesPerRow = new Map(
    [...groups].map(([length, members]) => [length, maxOf(members.map((i) => sequences[i].images.length))]),
  );
  const trainers = policy.trainers({
    loss: sftTokenSumLoss,
    trainable: trainableWeights(policy, options.frozen),
    optimizer: { lr: options.lr },
  });
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      // Every group's batches, in a random order across groups.
      const batches: { length: number; items: number[] }[] = [];
      for (const [length, members] of groups) {
        const order = random.shuffle(members);
        for (let start = 0; start + options.batchSize <= order.length; start += options.batchSize)
          batches.push({ length, items: order.slice(start, start + options.batchSize) });
      }
      for (const batch of random.shuffle(batches)) {
        if (options.shouldStop?.()) return losses;
        const rows = batch.items.map((i) => sequences[i]);
        const mask = new Float32Array(options.batchSize * batch.length);
        rows.forEach((s, b) => s.lossMask.forEach((v, t) => (mask[b * batch.length + t] = v * tokenWeight)));
        const result = await trainers.step(
          {
            rows: rows.map((s) => ({ ids: s.ids, images: s.images.map(policyImage) })),
            length: batch.length,
            imagesPerRow: imagesPerRow.get(batch.length)!,
            extra: { loss_mask: mask },
          },
          learningRate(losses.length + 1, schedule),
        );
        losses.push(result.loss);
        options.onStep?.(losses.length, result.loss);
      }
    }
    return losses;
  } finally {
    await trainers.release();
  }
}

/** What an SFT run trains: the LoRA adapters when the model has them, else every weight; never the frozen ones. */
function trainableWeights(policy: TrainablePolicy, frozen: SftOptions['frozen']): TrainingOptions['trainable'] {
  const base = policy.trainable;
  if (!frozen) return base;
  return (name) => (base === 'all' || isLoraWeight(name)) && !frozen(name);
}
