// The tiny VLM as a value (config + weights + tokenizer), its HF-style folder, and the policy runtime: per-token
// log-probs of given sequences, and training steps whose loss the caller composes from the policy's outputs.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DType, Tensor, TensorData } from '../graph/tensor';
import { input, mul, neg, sum } from '../graph/ops';
import { maskedMean } from '../graph/composites';
import { emit } from '../onnx/emit';
import { loadWeights, saveWeights, type WeightMap } from '../runtime/safetensors';
import { GraphSession, type DeviceInfo, type DeviceRequest } from '../runtime/session';
import type { AdamWConfig } from '../train/adamw';
import { cloneWeights, initWeights, loraSpecs, ParamSet, type LoraConfig, type Trainable } from '../train/params';
import { Trainer, type LossGraph, type StepResult } from '../train/trainer';
import { packBatch, type PackedBatch, type Sequence } from './batch';
import {
  expectedShapes,
  linearLayers,
  paramSpecs,
  parseConfig,
  tinyConfig,
  type TinyVlmConfig,
  type VisionConfig,
} from './config';
import { policyGraph, type BatchShape, type PolicyOutputs } from './graphs';
import { buildTokenizer, TextTokenizer, type TokenizerFiles } from './tokenizer';

export interface TinyVlm {
  config: TinyVlmConfig;
  weights: WeightMap;
  tokenizer: TextTokenizer;
  /** Set when LoRA adapters are part of `weights`. */
  lora?: LoraConfig;
}

export interface CreateOptions {
  tokenizer?: TokenizerFiles;
  /** Text to learn BPE merges from (when no tokenizer is given). */
  corpus?: readonly string[];
  merges?: number;
  config?: Partial<Omit<TinyVlmConfig, 'vision_config'>> & { vision_config?: Partial<VisionConfig> };
  seed?: number;
}

/** A freshly initialised tiny VLM with its own tokenizer. */
export function createTinyVlm(options: CreateOptions = {}): TinyVlm {
  const files = options.tokenizer ?? buildTokenizer({ corpus: options.corpus, merges: options.merges });
  const tokenizer = new TextTokenizer(files);
  const config = tinyConfig(
    {
      vocabSize: tokenizer.vocabSize,
      imageTokenId: tokenizer.ids.imagePad,
      visionStartId: tokenizer.ids.visionStart,
      visionEndId: tokenizer.ids.visionEnd,
      eosId: tokenizer.ids.eos,
      padId: tokenizer.ids.pad,
    },
    options.config,
  );
  return { config, weights: initWeights(paramSpecs(config), options.seed ?? 0), tokenizer };
}

/** Writes config.json, model.safetensors, tokenizer.json, tokenizer_config.json (and LoRA adapters, if any). */
export function saveTinyVlm(m: TinyVlm, dir: string, dtype: 'F32' | 'F16' | 'BF16' = 'F32'): void {
  mkdirSync(dir, { recursive: true });
  const expected = expectedShapes(m.config);
  const base: WeightMap = new Map([...m.weights].filter(([n]) => n in expected));
  const adapters: WeightMap = new Map([...m.weights].filter(([n]) => !(n in expected)));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      { ...m.config, torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'F16' ? 'float16' : 'bfloat16' },
      null,
      2,
    ),
  );
  saveWeights(join(dir, 'model.safetensors'), base, dtype);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(m.tokenizer.files.tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(m.tokenizer.files.config, null, 2));
  if (adapters.size && m.lora) {
    saveWeights(join(dir, 'adapter_model.safetensors'), adapters, 'F32');
    writeFileSync(
      join(dir, 'adapter_config.json'),
      JSON.stringify({ r: m.lora.rank, lora_alpha: m.lora.alpha, peft_type: 'LORA' }, null, 2),
    );
  }
}

/** Reads a folder written by saveTinyVlm; every tensor is checked against config.json before anything is kept. */
export function loadTinyVlm(dir: string): TinyVlm {
  const read = (f: string) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new Error(`${dir}: missing ${f}`);
    return JSON.parse(readFileSync(p, 'utf8'));
  };
  const config = parseConfig(read('config.json'), join(dir, 'config.json'));
  const tokenizer = new TextTokenizer({ tokenizer: read('tokenizer.json'), config: read('tokenizer_config.json') });
  if (tokenizer.vocabSize > config.vocab_size)
    throw new Error(
      `${dir}: tokenizer has ${tokenizer.vocabSize} tokens but config.json says vocab_size ${config.vocab_size}`,
    );
  const weights = loadWeights([join(dir, 'model.safetensors')], { expected: expectedShapes(config) });
  const model: TinyVlm = { config, weights, tokenizer };
  if (existsSync(join(dir, 'adapter_config.json'))) {
    const ac = read('adapter_config.json') as { r: number; lora_alpha: number };
    const adapters = loadWeights([join(dir, 'adapter_model.safetensors')]);
    const targets = new Set([...adapters.keys()].map((n) => n.replace(/\.lora_[AB]\.weight$/, '')));
    model.lora = { rank: ac.r, alpha: ac.lora_alpha, targets: (p) => targets.has(p) };
    for (const [n, w] of adapters) weights.set(n, w);
  }
  return model;
}

/** An independent copy (e.g. the frozen reference policy for the KL term); the tokenizer is shared. */
export function cloneTinyVlm(m: TinyVlm): TinyVlm {
  return { config: structuredClone(m.config), weights: cloneWeights(m.weights), tokenizer: m.tokenizer, lora: m.lora };
}

/** Adds LoRA adapters (A random, B zero) to the targeted projections; the model's output is unchanged. */
export function enableLora(m: TinyVlm, lora: LoraConfig, seed = 1): void {
  const specs = loraSpecs(linearLayers(m.config), lora);
  for (const [n, w] of initWeights(specs, seed)) if (!m.weights.has(n)) m.weights.set(n, w);
  m.lora = lora;
}

/** The number of image slots a graph takes for these sequences: 0, or the count rounded up to a multiple of 4. */
export function imageBucket(seqs: readonly Sequence[]): number {
  const n = seqs.reduce((k, s) => k + (s.images?.length ?? 0), 0);
  return n === 0 ? 0 : Math.ceil(n / 4) * 4;
}

/** Round a sequence length up so that sessions are reused across batches of similar length. */
export function bucketLength(n: number, step = 16): number {
  return Math.ceil(n / step) * step;
}

export interface PolicyLossContext {
  out: PolicyOutputs;
  shape: BatchShape;
  /** Declares an extra data input of the loss (e.g. advantages [B], old log-probs [B, T], a loss mask). */
  input(name: string, shape: readonly number[], dtype?: DType): Tensor;
}

export type PolicyLoss = (ctx: PolicyLossContext) => LossGraph;

/** Supervised fine-tuning: mean negative log-likelihood over tokens where `loss_mask` [B, T] is 1. */
export const sftLoss: PolicyLoss = ({ out, shape, input }) => {
  const mask = input('loss_mask', [shape.batch, shape.length]);
  return { loss: maskedMean(neg(out.logprobs), mask) };
};

/**
 * Σ mask·NLL: the caller's mask carries the normalisation (1/N for a loss over N tokens). With one N for every
 * batch of a dataset, each learned token weighs the same whichever batch it falls in; a per-batch mean would
 * weigh tokens of short-sequence batches more (a one-token decision in a short conversation outweighed the same
 * decision in a long one several times over).
 */
export const sftTokenSumLoss: PolicyLoss = ({ out, shape, input }) => {
  const weights = input('loss_mask', [shape.batch, shape.length]);
  return { loss: sum(mul(neg(out.logprobs), weights)) };
};

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
    const out: Record<string, TensorData> = {};
    for (const spec of session.inputs) {
      const d = data[spec.name] ?? this.model.weights.get(spec.name)?.data;
      if (!d) throw new Error(`no data for graph input ${spec.name}`);
      out[spec.name] = d;
    }
    return out;
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
