// The tiny VLM's policy runtime: per-token log-probs of given sequences, and training steps whose loss the caller
// composes from the policy's outputs (losses.ts has the supervised ones; rl/grpo the GRPO one).

import type { Tensor, TensorData } from '../graph/tensor';
import type { PolicyLoss } from '../policy/training';
import { input } from '../graph/ops';
import { emit } from '../onnx/emit';
import { feedsWithWeights, GraphSession, type DeviceInfo, type DeviceRequest } from '../runtime/session';
import type { AdamWConfig } from '../train/adamw';
import { ParamSet, type Trainable } from '../train/params';
import { Trainer, type StepResult } from '../train/trainer';
import { packBatch, type PackedBatch, type Sequence } from './batch';
import { policyGraph, type BatchShape } from './graphs';
import type { TinyVlm } from './vlm';

/** The number of image slots a graph takes for these sequences: 0, or the count rounded up to a multiple of 4. */
export function imageBucket(seqs: readonly Sequence[]): number {
  const n = seqs.reduce((k, s) => k + (s.images?.length ?? 0), 0);
  return n === 0 ? 0 : Math.ceil(n / 4) * 4;
}

/** Round a sequence length up so that sessions are reused across batches of similar length. */
export function bucketLength(length: number, step = 16): number {
  return Math.ceil(length / step) * step;
}

export interface PolicyTrainerOptions {
  shape: BatchShape;
  loss: PolicyLoss;
  /** 'all': full training; 'lora': adapters only (call enableLora first); or the weights a predicate picks. */
  trainable: Exclude<Trainable, 'none'>;
  optimizer?: Partial<AdamWConfig>;
}

/** Runs the policy's graphs with the model's current weights (fed as inputs, so training updates show at once). */
export class Policy {
  private readonly sessions = new Map<string, Promise<GraphSession>>();

  constructor(
    readonly model: TinyVlm,
    readonly options: {
      device?: DeviceRequest;
      threads?: number;
      maxSessions?: number;
      /**
       * Bake the weights into the sessions as initializers (for a policy that never changes, such as the KL
       * reference): fewer inputs per run, constant-folded weight transposes. Sessions then keep the weights they
       * were built with.
       */
      frozen?: boolean;
    } = {},
  ) {}

  private params(): ParamSet {
    return new ParamSet(this.model.weights, { trainable: this.options.frozen ? 'none' : 'all', lora: this.model.lora });
  }

  /**
   * A session for a graph built from the current weights as inputs, cached by key (shapes are static, so the key
   * names them). The least recently used sessions beyond `maxSessions` are released.
   */
  session(key: string, build: (P: ParamSet) => Record<string, Tensor>): Promise<GraphSession> {
    const full = `${key}|lora=${this.model.lora ? 1 : 0}`;
    let s = this.sessions.get(full);
    if (s) {
      this.sessions.delete(full); // re-insert: Map order is the recency order
      this.sessions.set(full, s);
      return s;
    }
    s = GraphSession.create(emit(build(this.params()), { graphName: key }), this.options);
    this.sessions.set(full, s);
    const max = this.options.maxSessions ?? 24;
    while (this.sessions.size > max) {
      const [oldest, victim] = this.sessions.entries().next().value as [string, Promise<GraphSession>];
      this.sessions.delete(oldest);
      // release once any run in flight has finished with it
      void victim.then((v) => setTimeout(() => void v.release().catch(() => undefined), 1000)).catch(() => undefined);
    }
    return s;
  }

  /** Feeds for a session: data plus every weight input it declares. */
  feeds(session: GraphSession, data: Record<string, TensorData | undefined>): Record<string, TensorData> {
    return feedsWithWeights(session, data, this.model.weights);
  }

  /** Sessions currently cached. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  async device(): Promise<DeviceInfo> {
    return (await this.session('probe', (P) => ({ y: P.get('model.norm.weight') }))).device;
  }

  /**
   * Per-token log-probs of the given sequences: row b, position t holds log p(ids[t] | ids[<t]) (0 at t = 0 and on
   * padding). Sequences are right-padded to `length` (default: the longest, rounded up to 16).
   */
  async logprobs(seqs: readonly Sequence[], options: { length?: number; entropy?: boolean } = {}) {
    const packed = packBatch(this.model.config, seqs, {
      length: options.length ?? bucketLength(Math.max(...seqs.map((s) => s.ids.length))),
      padSide: 'right',
      images: imageBucket(seqs),
    });
    const shape = { batch: packed.batch, length: packed.length, images: packed.images };
    const key = `policy:${shape.batch}x${shape.length}x${shape.images}:${options.entropy ? 'H' : ''}`;
    const session = await this.session(key, (P) => {
      const out = policyGraph(P, this.model.config, shape);
      const outputs: Record<string, Tensor> = { logprobs: out.logprobs };
      if (options.entropy) outputs.entropy = out.entropy();
      return outputs;
    });
    const r = await session.run(this.feeds(session, packed.feeds));
    const T = packed.length;
    const rows = seqs.map((s, b) =>
      Float32Array.from((r.logprobs as Float32Array).subarray(b * T, b * T + s.ids.length)),
    );
    const ent = options.entropy
      ? seqs.map((s, b) => Float32Array.from((r.entropy as Float32Array).subarray(b * T, b * T + s.ids.length)))
      : undefined;
    return { logprobs: rows, entropy: ent };
  }

  /** A training step for batches of `options.shape`, minimising the caller's loss. Shares this policy's weights. */
  async trainer(options: PolicyTrainerOptions): Promise<PolicyTrainer> {
    if (this.options.frozen) throw new Error('a frozen policy cannot be trained: create a Policy without `frozen`');
    if (options.trainable === 'lora' && !this.model.lora)
      throw new Error('call enableLora() before training LoRA adapters');
    const c = this.model.config;
    const trainer = await Trainer.create({
      weights: this.model.weights,
      trainable: options.trainable,
      lora: this.model.lora,
      optimizer: options.optimizer,
      device: this.options.device,
      threads: this.options.threads,
      build: (P) => {
        const out = policyGraph(P, c, options.shape);
        return options.loss({
          out,
          shape: options.shape,
          input: (name, shape, dtype = 'float32') => input(name, shape, dtype),
        });
      },
    });
    return new PolicyTrainer(this.model, trainer, options.shape);
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).release();
    this.sessions.clear();
  }
}

export class PolicyTrainer {
  constructor(
    readonly model: TinyVlm,
    readonly trainer: Trainer,
    readonly shape: BatchShape,
  ) {}

  private pack(seqs: readonly Sequence[], extra: Record<string, TensorData>) {
    const packed = packBatch(this.model.config, seqs, {
      length: this.shape.length,
      padSide: 'right',
      images: this.shape.images,
    });
    if (packed.batch !== this.shape.batch)
      throw new Error(`trainer takes batches of ${this.shape.batch}, got ${packed.batch}`);
    const feeds: Record<string, TensorData> = { ...extra };
    for (const [k, v] of Object.entries(packed.feeds)) if (v) feeds[k] = v;
    return { packed, feeds };
  }

  /** Packs sequences to the trainer's shape (right padding) and runs one step; `extra` feeds the loss's inputs. */
  async step(
    seqs: readonly Sequence[],
    extra: Record<string, TensorData> = {},
    lr?: number,
  ): Promise<StepResult & { batch: PackedBatch }> {
    const { packed, feeds } = this.pack(seqs, extra);
    const r = await this.trainer.trainStep(feeds, lr);
    return { ...r, batch: packed };
  }

  /** Gradient accumulation over micro-batches: add `scale` × this micro-batch's gradient (see Trainer.accumulate). */
  async accumulate(seqs: readonly Sequence[], extra: Record<string, TensorData> = {}, scale = 1) {
    const { feeds } = this.pack(seqs, extra);
    return this.trainer.accumulate(feeds, scale);
  }

  /** The optimizer step on the accumulated gradient. */
  async apply(lr?: number) {
    return this.trainer.applyAccumulated(lr);
  }

  async release(): Promise<void> {
    await this.trainer.release();
  }
}
