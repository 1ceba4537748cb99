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
    readonly session: GraphSession,
    readonly model: EmittedModel,
    readonly weights: WeightMap,
    readonly trainableNames: string[],
    private readonly offsets: number[],
    readonly config: AdamWConfig,
    private readonly metricNames: string[],
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

  /** The fused step graph (loss → gradients → AdamW), or with `mode: 'grad'` / `'apply'` its two halves. */
  static build(options: TrainerOptions, mode: 'step' | 'grad' | 'apply' = 'step') {
    const config = { ...defaultAdamW, ...options.optimizer };
    const probe = new ParamSet(options.weights, { trainable: options.trainable, lora: options.lora });
    const names = [...options.weights.keys()].filter((n) => probe.isTrainable(n));
    if (!names.length) throw new Error('nothing to train: no weight is trainable');
    const offsets = [0];
    for (const n of names) offsets.push(offsets[offsets.length - 1] + options.weights.get(n)!.data.length);
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

  static async create(options: TrainerOptions): Promise<Trainer> {
    const { model, names, offsets, config, metricNames } = Trainer.build(options);
    const session = await GraphSession.create(model, { device: options.device, threads: options.threads });
    return new Trainer(session, model, options.weights, names, offsets, config, metricNames, options);
  }

  get device() {
    return this.session.device;
  }

  get step(): number {
    return this.t;
  }

  /** Number of trained values. */
  get size(): number {
    return this.params.length;
  }

  private gradSession?: Promise<GraphSession>;
  private applySession?: Promise<GraphSession>;
  private accumulated?: Float32Array;

  private split(mode: 'grad' | 'apply'): Promise<GraphSession> {
    const o = this.options;
    return GraphSession.create(Trainer.build(o, mode).model, { device: o.device, threads: o.threads });
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
    this.gradSession ??= this.split('grad');
    const session = await this.gradSession;
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
    this.applySession ??= this.split('apply');
    const session = await this.applySession;
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
    const out = await this.runUpdate(this.session, data, lr);
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
      throw new Error(`${basename(path)}: optimizer state is for a different set of trained parameters`);
    const m = file.tensors.get('adam.m');
    const v = file.tensors.get('adam.v');
    if (!m || !v) throw new Error(`${basename(path)}: missing tensor ${m ? 'adam.v' : 'adam.m'}`);
    if (m.shape[0] !== this.m.length || v.shape[0] !== this.v.length)
      throw new Error(
        `${basename(path)}: tensor adam.m has ${m.shape[0]} values but this trainer has ${this.m.length}`,
      );
    this.m = toFloat32(m, 'adam.m');
    this.v = toFloat32(v, 'adam.v');
    this.t = Number(file.metadata.step ?? 0);
  }

  async release(): Promise<void> {
    await this.session.release();
    if (this.gradSession) await (await this.gradSession).release();
    if (this.applySession) await (await this.applySession).release();
  }
}
