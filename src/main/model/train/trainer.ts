// A training step as one ONNX session: loss → gradients (our autodiff) → clipped AdamW update, all in the graph.
// The host keeps trainable parameters and Adam moments as typed arrays and swaps in the updated ones after each
// run; frozen weights are constants inside the session.

import { grad } from '../graph/autodiff';
import type { Tensor, TensorData } from '../graph/tensor';
import { emit, type EmittedModel } from '../onnx/emit';
import type { WeightMap } from '../runtime/safetensors';
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

export class Trainer {
  private t = 0;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();

  private constructor(
    readonly session: GraphSession,
    readonly model: EmittedModel,
    readonly weights: WeightMap,
    readonly trainableNames: string[],
    readonly config: AdamWConfig,
    private readonly metricNames: string[],
  ) {
    for (const n of trainableNames) {
      const size = weights.get(n)!.data.length;
      this.m.set(n, new Float32Array(size));
      this.v.set(n, new Float32Array(size));
    }
  }

  static build(options: TrainerOptions) {
    const config = { ...defaultAdamW, ...options.optimizer };
    const params = new ParamSet(options.weights, { trainable: options.trainable, lora: options.lora });
    const { loss, metrics = {} } = options.build(params);
    if (loss.rank !== 0) throw new Error(`the loss must be a scalar, got shape [${loss.shape}]`);
    const trainable = params.trainableTensors();
    const names = [...trainable.keys()];
    if (!names.length) throw new Error('nothing to train: no trainable parameter is used by the loss');
    const grads = grad(loss, [...trainable.values()]);
    const decay = options.decay ?? ((_n: string, shape: readonly number[]) => shape.length >= 2);
    const { outputs, gradNorm } = adamwGraph(
      names.map((name, i) => ({ name, param: trainable.get(name)!, grad: grads[i], decay: decay(name, trainable.get(name)!.shape) })),
      config,
    );
    const all: Record<string, Tensor> = { loss, grad_norm: gradNorm, ...outputs };
    for (const [k, t] of Object.entries(metrics)) all[`metric/${k}`] = t;
    return { model: emit(all, { graphName: 'train_step' }), names, config, metricNames: Object.keys(metrics) };
  }

  static async create(options: TrainerOptions): Promise<Trainer> {
    const { model, names, config, metricNames } = Trainer.build(options);
    const session = await GraphSession.create(model, { device: options.device, threads: options.threads });
    return new Trainer(session, model, options.weights, names, config, metricNames);
  }

  get device() {
    return this.session.device;
  }

  get step(): number {
    return this.t;
  }

  /** One optimizer step on a batch; `data` holds the inputs the loss function declared. */
  async trainStep(data: Record<string, TensorData>, lr = this.config.lr): Promise<StepResult> {
    this.t++;
    const feeds: Record<string, TensorData> = { ...data };
    feeds[HYPER_INPUTS.lr] = Float32Array.of(lr);
    feeds[HYPER_INPUTS.bc1] = Float32Array.of(1 / (1 - this.config.beta1 ** this.t));
    feeds[HYPER_INPUTS.bc2] = Float32Array.of(1 / (1 - this.config.beta2 ** this.t));
    for (const n of this.trainableNames) {
      feeds[n] = this.weights.get(n)!.data;
      feeds[stateInput('m', n)] = this.m.get(n)!;
      feeds[stateInput('v', n)] = this.v.get(n)!;
    }
    const out = await this.session.run(feeds);
    for (const n of this.trainableNames) {
      this.weights.get(n)!.data = out[updatedName('param', n)] as Float32Array;
      this.m.set(n, out[updatedName('m', n)] as Float32Array);
      this.v.set(n, out[updatedName('v', n)] as Float32Array);
    }
    const metrics: Record<string, number | TensorData> = {};
    for (const k of this.metricNames) {
      const d = out[`metric/${k}`];
      metrics[k] = d.length === 1 ? Number(d[0]) : d;
    }
    return { loss: Number(out.loss[0]), gradNorm: Number(out.grad_norm[0]), metrics };
  }

  /** Adam's moments and step count, so a run can resume exactly from a checkpoint. */
  exportState(): { step: number; m: Map<string, Float32Array>; v: Map<string, Float32Array> } {
    return { step: this.t, m: new Map(this.m), v: new Map(this.v) };
  }

  importState(state: { step: number; m: Map<string, Float32Array>; v: Map<string, Float32Array> }): void {
    for (const n of this.trainableNames) {
      const size = this.weights.get(n)!.data.length;
      for (const [kind, map] of [['m', state.m], ['v', state.v]] as const) {
        const moment = map.get(n);
        if (!moment || moment.length !== size) throw new Error(`optimizer state: ${kind} of ${n} is ${moment ? `${moment.length} values, expected ${size}` : 'missing'}`);
      }
    }
    this.t = state.step;
    for (const n of this.trainableNames) {
      this.m.set(n, state.m.get(n)!);
      this.v.set(n, state.v.get(n)!);
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
