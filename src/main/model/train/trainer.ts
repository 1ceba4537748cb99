// A training step as one ONNX session: loss → gradients (our autodiff) → clipped AdamW update, all in the graph.
// The host keeps trainable parameters and Adam moments as typed arrays and swaps in the updated ones after each
// run; frozen weights are constants inside the session (initializers, resident on the device).

import { grad } from '../graph/autodiff';
import { concat, constant, input, reshape, sliceAxis } from '../graph/ops';
import type { Tensor, TensorData } from '../graph/tensor';
import { emit, type EmittedModel } from '../onnx/emit';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseSafetensors, saveWeights, toFloat32, type WeightMap } from '../runtime/safetensors';
import { GraphSession, type DeviceRequest } from '../runtime/session';
import { adamwGraph, defaultAdamW, HYPER_INPUTS, stateInput, updatedName, type AdamWConfig } from './adamw';
import { ParamSet, type LoraConfig, type Trainable } from './params';

export interface LossGraph {
  /** A scalar. */
  loss: Tensor;
  /** Extra scalars or tensors to report each step (e.g. accuracy, KL). */
  metrics?: Record<string, Tensor>;
}

export interface TrainerOptions {
  weights: WeightMap;
  trainable: Trainable;
  lora?: LoraConfig;
  /** Builds the loss from parameters; data arrives through graph inputs the function creates with `input()`. */
  build(params: ParamSet): LossGraph;
  optimizer?: Partial<AdamWConfig>;
  /** Which trainable parameters get weight decay (default: those of rank ≥ 2). */
  decay?: (name: string, shape: readonly number[]) => boolean;
  device?: DeviceRequest;
  threads?: number;
}

export interface StepResult {
  loss: number;
  gradNorm: number;
  metrics: Record<string, number | TensorData>;
}

/** Name of the flat parameter buffer in the step graph (its moments: adam_m/params, adam_v/params). */
export const FLAT = 'params';
/** Input of the apply-only graph: the accumulated flat gradient. */
export const ACCUMULATED = 'accumulated_grad';

/**
 * All trainable parameters live in one flat buffer: the graph slices a view per parameter, concatenates their
 * gradients, and runs AdamW once on the buffer (a handful of nodes instead of a dozen per parameter, and three
 * outputs instead of three per parameter). The host's weight arrays become views into that buffer.
 */
export class Trainer {
  private t = 0;
  private params: Float32Array;
  private m: Float32Array;
  private v: Float32Array;

  private constructor(
    readonly weights: WeightMap,
    readonly trainableNames: string[],
    private readonly offsets: number[],
    readonly config: AdamWConfig,
    private readonly options: TrainerOptions,
  ) {
    const total = offsets[offsets.length - 1];
    this.params = new Float32Array(total);
    trainableNames.forEach((n, i) => this.params.set(weights.get(n)!.data, offsets[i]));
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
    this.bindViews();
  }

  private bindViews(): void {
    this.trainableNames.forEach((n, i) => {
      this.weights.get(n)!.data = this.params.subarray(this.offsets[i], this.offsets[i + 1]);
    });
  }

  /** Which weights train, where each sits in the flat buffer, and the optimizer's settings. */
  static layout(options: TrainerOptions) {
    const config = { ...defaultAdamW, ...options.optimizer };
    const probe = new ParamSet(options.weights, { trainable: options.trainable, lora: options.lora });
    const names = [...options.weights.keys()].filter((n) => probe.isTrainable(n));
    if (!names.length) throw new Error('nothing to train: no weight is trainable');
    const offsets = [0];
    for (const n of names) offsets.push(offsets[offsets.length - 1] + options.weights.get(n)!.data.length);
    return { names, offsets, config };
  }

  /** The fused step graph (loss → gradients → AdamW), or with `mode: 'grad'` / `'apply'` its two halves. */
  static build(options: TrainerOptions, mode: 'step' | 'grad' | 'apply' = 'step') {
    const { names, offsets, config } = Trainer.layout(options);
    const total = offsets[offsets.length - 1];
    const flat = input(FLAT, [total]);
    let flatGrad: Tensor = input(ACCUMULATED, [total]);
    const all: Record<string, Tensor> = {};
    let metricNames: string[] = [];
    if (mode !== 'apply') {
      const segments = names.map((_, i) => sliceAxis(flat, 0, offsets[i], offsets[i + 1]));
      const views = new Map(
        names.map((n, i): [string, Tensor] => [n, reshape(segments[i], options.weights.get(n)!.shape)]),
      );
      const params = new ParamSet(options.weights, { trainable: 'none', lora: options.lora, bound: views });
      const { loss, metrics = {} } = options.build(params);
      if (loss.rank !== 0) throw new Error(`the loss must be a scalar, got shape [${loss.shape}]`);
      // with respect to the flat segments, not the shaped views: model code that reshapes a weight (a patch
      // embedding's [out, C, T, P, P] to a matrix) folds the view's reshape into its own, leaving the view off the path
      flatGrad = concat(grad(loss, segments), 0);
      all.loss = loss;
      for (const [k, t] of Object.entries(metrics)) all[`metric/${k}`] = t;
      metricNames = Object.keys(metrics);
    }
    if (mode === 'grad') all.grad = flatGrad;
    else {
      const decay = options.decay ?? ((_n: string, shape: readonly number[]) => shape.length >= 2);
      const mask = new Float32Array(total);
      names.forEach((n, i) => {
        if (decay(n, options.weights.get(n)!.shape)) mask.fill(1, offsets[i], offsets[i + 1]);
      });
      const { outputs, gradNorm } = adamwGraph(
        [{ name: FLAT, param: flat, grad: flatGrad, decay: constant(mask, [total]) }],
        config,
      );
      Object.assign(all, { grad_norm: gradNorm, ...outputs });
    }
    return { model: emit(all, { graphName: `train_${mode}` }), names, offsets, config, metricNames };
  }

  /** A trainer over the weights; its sessions are built when first run (a trainer that accumulates never builds the fused step). */
  static async create(options: TrainerOptions): Promise<Trainer> {
    const { names, offsets, config } = Trainer.layout(options);
    return new Trainer(options.weights, names, offsets, config, options);
  }

  private sessions: Partial<Record<'step' | 'grad' | 'apply', Promise<GraphSession>>> = {};
  private metricNames: string[] = [];
  private stepModel?: EmittedModel;

  /** The fused step graph, once a step has built it. */
  get model(): EmittedModel {
    if (!this.stepModel) throw new Error('the step graph is built by the first trainStep()');
    return this.stepModel;
  }

  get step(): number {
    return this.t;
  }

  /** Number of trained values. */
  get size(): number {
    return this.params.length;
  }

  private accumulated?: Float32Array;

  private session(mode: 'step' | 'grad' | 'apply'): Promise<GraphSession> {
    let made = this.sessions[mode];
    if (!made) {
      const o = this.options;
      const built = Trainer.build(o, mode);
      if (mode !== 'apply') this.metricNames = built.metricNames;
      if (mode === 'step') this.stepModel = built.model;
      made = GraphSession.create(built.model, { device: o.device, threads: o.threads });
      this.sessions[mode] = made;
    }
    return made;
  }

  /**
   * Gradient accumulation for batches larger than one graph: adds `scale` × the gradient of this micro-batch's loss
   * to a host buffer (scale by the micro-batch's share of the batch for a mean). Parameters do not change until
   * applyAccumulated().
   */
  async accumulate(
    data: Record<string, TensorData>,
    scale = 1,
  ): Promise<{ loss: number; metrics: Record<string, number | TensorData> }> {
    const session = await this.session('grad');
    const out = await session.run({ ...data, [FLAT]: this.params });
    const g = out.grad as Float32Array;
    if (!this.accumulated) this.accumulated = new Float32Array(g.length);
    const acc = this.accumulated;
    for (let i = 0; i < g.length; i++) acc[i] += scale * g[i];
    return { loss: Number(out.loss[0]), metrics: this.metricsOf(out) };
  }

  /** One AdamW step (with clipping) on the accumulated gradient, which is then cleared. */
  async applyAccumulated(lr = this.config.lr): Promise<{ gradNorm: number }> {
    if (!this.accumulated) throw new Error('applyAccumulated() before any accumulate()');
    const session = await this.session('apply');
    const out = await this.runUpdate(session, { [ACCUMULATED]: this.accumulated }, lr);
    this.accumulated = undefined;
    return { gradNorm: Number(out.grad_norm[0]) };
  }

  private async runUpdate(session: GraphSession, data: Record<string, TensorData>, lr: number) {
    this.t++;
    const feeds: Record<string, TensorData> = { ...data };
    feeds[HYPER_INPUTS.lr] = Float32Array.of(lr);
    feeds[HYPER_INPUTS.bc1] = Float32Array.of(1 / (1 - this.config.beta1 ** this.t));
    feeds[HYPER_INPUTS.bc2] = Float32Array.of(1 / (1 - this.config.beta2 ** this.t));
    feeds[FLAT] = this.params;
    feeds[stateInput('m', FLAT)] = this.m;
    feeds[stateInput('v', FLAT)] = this.v;
    const out = await session.run(feeds);
    this.params = out[updatedName('param', FLAT)] as Float32Array;
    this.m = out[updatedName('m', FLAT)] as Float32Array;
    this.v = out[updatedName('v', FLAT)] as Float32Array;
    this.bindViews();
    return out;
  }

  private metricsOf(out: Record<string, TensorData>): Record<string, number | TensorData> {
    const metrics: Record<string, number | TensorData> = {};
    for (const k of this.metricNames) {
      const d = out[`metric/${k}`];
      metrics[k] = d.length === 1 ? Number(d[0]) : d;
    }
    return metrics;
  }

  /** One optimizer step on a batch; `data` holds the inputs the loss function declared. */
  async trainStep(data: Record<string, TensorData>, lr = this.config.lr): Promise<StepResult> {
    const out = await this.runUpdate(await this.session('step'), data, lr);
    return { loss: Number(out.loss[0]), gradNorm: Number(out.grad_norm[0]), metrics: this.metricsOf(out) };
  }

  /**
   * Takes over another trainer's parameters, Adam moments, step count and accumulated gradient (same trained
   * parameters, another batch shape): trainers for several sequence lengths then train one model, each batch at its
   * own length, and the micro-batches of one update may each have a shape of their own.
   */
  adopt(other: Trainer): void {
    if (other.trainableNames.join('\n') !== this.trainableNames.join('\n'))
      throw new Error('adopt: the trainers train different parameters');
    this.params = other.params;
    this.m = other.m;
    this.v = other.v;
    this.t = other.t;
    this.accumulated = other.accumulated;
    this.bindViews();
  }

  /**
   * Saves the optimizer state (Adam moments and step count) as safetensors, so that a resumed run continues where
   * this one stopped. The parameters themselves are saved with the model.
   */
  saveState(path: string): void {
    saveWeights(
      path,
      new Map([
        ['adam.m', { shape: [this.m.length], data: this.m }],
        ['adam.v', { shape: [this.v.length], data: this.v }],
      ]),
      'F32',
      { step: String(this.t), params: JSON.stringify(this.trainableNames) },
    );
  }

  /** Restores state written by saveState; the trained parameter list must be the same. */
  loadState(path: string): void {
    const file = parseSafetensors(new Uint8Array(readFileSync(path)), basename(path));
    const names = JSON.parse(file.metadata.params ?? '[]') as string[];
    if (names.join('\n') !== this.trainableNames.join('\n'))
      throw new Error(`${path}: optimizer state is for a different set of trained parameters`);
    for (const name of ['adam.m', 'adam.v']) {
      const t = file.tensors.get(name);
      if (!t) throw new Error(`${path}: missing tensor ${name}`);
      if (t.shape[0] !== this.m.length)
        throw new Error(`${path}: tensor ${name} has ${t.shape[0]} values but this trainer trains ${this.m.length}`);
    }
    const m = file.tensors.get('adam.m')!;
    const v = file.tensors.get('adam.v')!;
    this.m = toFloat32(m, 'adam.m');
    this.v = toFloat32(v, 'adam.v');
    this.t = Number(file.metadata.step ?? 0);
  }

  async release(): Promise<void> {
    for (const made of Object.values(this.sessions)) await (await made.catch(() => null))?.release();
    this.sessions = {};
  }
}
