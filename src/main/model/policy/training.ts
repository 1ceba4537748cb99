// The training half of the policy interface: what SFT and GRPO talk to, whichever family the model is. A trainable
// policy runs its rollouts through its PolicyModel and updates the same weights through training graphs the loss is
// composed into (the loss reads per-token log-probs and entropies; autodiff does the rest).

import type { DType, Tensor, TensorData } from '../graph/tensor';
import type { AdamWConfig } from '../train/adamw';
import type { Trainable } from '../train/params';
import type { ShapedTrainers, ShapeTrainer } from '../train/shaped-trainers';
import type { LossGraph, StepResult } from '../train/trainer';
import type { DeviceInfo } from '../runtime/session';
import type { ModelFamilyId, PolicyModel, PolicySequence } from './types';

/** What a loss reads of a training batch's forward pass, [B, T] each. */
export interface PolicyLossOutputs {
  /** log p(ids[t] | ids[<t]); 0 at t = 0. */
  logprobs: Tensor;
  /** Entropy of the distribution that predicted ids[t]; 0 at t = 0. */
  entropy: () => Tensor;
}

export interface PolicyLossContext {
  out: PolicyLossOutputs;
  shape: { batch: number; length: number };
  /** Declares an extra data input of the loss (e.g. advantages [B, 1], old log-probs [B, T], a loss mask). */
  input(name: string, shape: readonly number[], dtype?: DType): Tensor;
}

export type PolicyLoss = (ctx: PolicyLossContext) => LossGraph;

export interface TrainingOptions {
  loss: PolicyLoss;
  /** 'all': full training; 'lora': adapters only; or the weights a predicate picks. */
  trainable: Exclude<Trainable, 'none'>;
  optimizer?: Partial<AdamWConfig>;
}

/** One forward and backward pass: rows right-padded to `length`, and the loss's own inputs. */
export interface MicroBatch {
  rows: readonly PolicySequence[];
  length: number;
  /** The most images any row of this update holds (the tiny VLM sizes its image slots by it). */
  imagesPerRow: number;
  /** Feeds of the inputs the loss declared. */
  extra: Record<string, TensorData>;
}

/** Training sessions of one policy, one per batch shape, sharing parameters and optimizer state. */
export interface PolicyTrainers {
  /** One optimizer step on a micro-batch. */
  step(batch: MicroBatch, lr?: number): Promise<StepResult>;
  /** Adds `scale` × this micro-batch's gradient to the accumulated one (the parameters do not move). */
  accumulate(batch: MicroBatch, scale: number): Promise<{ loss: number; metrics: Record<string, number | TensorData> }>;
  /** One optimizer step on the accumulated gradient. */
  apply(lr?: number): Promise<{ gradNorm: number }>;
  /** The optimizer state (Adam moments, step count), for a resumed run. */
  saveState(path: string): void;
  /** Optimizer steps taken (counting a resumed run's earlier ones once the first pass has loaded them); 0 before. */
  steps(): number;
  release(): Promise<void>;
}

/** A policy a run trains: its rollouts see each update at once. */
export interface TrainablePolicy {
  readonly family: ModelFamilyId;
  readonly model: PolicyModel;
  /** What training changes by default: LoRA adapters when the model has them, else every weight. */
  readonly trainable: 'all' | 'lora';
  trainers(options: TrainingOptions, optimizerState?: string | null): PolicyTrainers;
  /**
   * Per-token log-probs of whole sequences (row b holds ids[b].length values); `length`, the padded length the
   * rows will train at, lets a family score them in the training batch's shape.
   */
  logprobs(rows: readonly PolicySequence[], length: number): Promise<Float32Array[]>;
  /** Writes the policy as a model folder of its family (what a checkpoint is). */
  save(dir: string): void;
  device(): Promise<DeviceInfo>;
  release(): Promise<void>;
}

/** A shape's session as PolicyTrainers drives it. */
export interface BatchTrainer extends ShapeTrainer {
  step(batch: MicroBatch, lr?: number): Promise<StepResult>;
  accumulate(batch: MicroBatch, scale: number): Promise<{ loss: number; metrics: Record<string, number | TensorData> }>;
}

/** PolicyTrainers over a family's shaped sessions: each micro-batch goes to the session of its shape. */
export function shapedPolicyTrainers<S, T extends BatchTrainer>(
  shaped: ShapedTrainers<S, T>,
  shapeOf: (batch: MicroBatch) => S,
): PolicyTrainers {
  const current = (what: string) => {
    const t = shaped.current;
    if (!t) throw new Error(`${what} before any training pass`);
    return t.trainer;
  };
  return {
    step: async (batch, lr) => (await shaped.for(shapeOf(batch))).step(batch, lr),
    accumulate: async (batch, scale) => (await shaped.for(shapeOf(batch))).accumulate(batch, scale),
    apply: (lr) => current('apply()').applyAccumulated(lr),
    saveState: (path) => current('saveState()').saveState(path),
    steps: () => shaped.current?.trainer.step ?? 0,
    release: () => shaped.release(),
  };
}
