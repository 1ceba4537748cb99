// Parameters as the graph sees them. A trainable parameter is a graph input (its value, and its optimizer state,
// travel in and out of each training step); a frozen one is a constant (an initializer that stays resident on the
// device). LoRA wraps targeted projections: the base weight is frozen and two small adapters are trained.

import { linear } from '../graph/composites';
import { add, constant, input, matmul, mul, transpose } from '../graph/ops';
import type { DType, Tensor } from '../graph/tensor';
import type { Weight, WeightMap } from '../runtime/safetensors';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };
  /** Apply weight decay (matrices yes; norms, biases, embeddings of positions no). */
  decay: boolean;
}

export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Which linear layers (by prefix, e.g. 'model.layers.0.self_attn.q_proj') get adapters. */
  targets: (prefix: string) => boolean;
}

export type Trainable = 'all' | 'none' | 'lora' | ((name: string) => boolean);

/** Whether a weight is one of the LoRA adapters' matrices. */
export const isLoraWeight = (name: string): boolean => name.includes('.lora_A.') || name.includes('.lora_B.');

/** Deterministic initial values for a list of specs. */
export function initWeights(specs: readonly ParamSpec[], seed = 0): WeightMap {
  let s = seed >>> 0 || 0x9e3779b9;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const out: WeightMap = new Map();
  for (const p of specs) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (p.init.kind === 'ones') data.fill(1);
    else if (p.init.kind === 'normal') for (let i = 0; i < n; i++) data[i] = normal() * p.init.std;
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

/** The parameter specs LoRA adds for a set of linear layers: A ~ N(0, 1/r), B = 0 (so training starts at the base). */
export function loraSpecs(
  linears: readonly { prefix: string; in: number; out: number }[],
  lora: LoraConfig,
): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const l of linears) {
    if (!lora.targets(l.prefix)) continue;
    specs.push({
      name: `${l.prefix}.lora_A.weight`,
      shape: [lora.rank, l.in],
      init: { kind: 'normal', std: 1 / lora.rank },
      decay: true,
    });
    specs.push({ name: `${l.prefix}.lora_B.weight`, shape: [l.out, lora.rank], init: { kind: 'zeros' }, decay: true });
  }
  return specs;
}

/**
 * Graph-time access to parameters. Model code calls `get(name)` and `linear(x, prefix)`; whether a weight is an
 * input or a constant, and whether a LoRA adapter rides along, is decided here.
 */
export class ParamSet {
  private readonly tensors = new Map<string, Tensor>();
  readonly trainableNames: string[] = [];

  constructor(
    readonly weights: WeightMap,
    readonly options: {
      trainable: Trainable;
      dtype?: DType;
      lora?: LoraConfig;
      bound?: ReadonlyMap<string, Tensor>;
    } = { trainable: 'none' },
  ) {}

  get dtype(): DType {
    return this.options.dtype ?? 'float32';
  }

  isTrainable(name: string): boolean {
    const t = this.options.trainable;
    if (t === 'all') return true;
    if (t === 'none') return false;
    if (t === 'lora') return isLoraWeight(name);
    return t(name);
  }

  has(name: string): boolean {
    return this.weights.has(name);
  }

  get(name: string): Tensor {
    const hit = this.tensors.get(name) ?? this.options.bound?.get(name);
    if (hit) return hit;
    const w = this.weights.get(name);
    if (!w) throw new Error(`no weight named ${name}`);
    let t: Tensor;
    if (this.isTrainable(name)) {
      t = input(name, w.shape, this.dtype);
      this.trainableNames.push(name);
    } else {
      const data = this.dtype === 'float64' ? Float64Array.from(w.data) : w.data;
      t = constant(data, w.shape, this.dtype, name);
    }
    this.tensors.set(name, t);
    return t;
  }

  /** The graph inputs created for trainable parameters so far, by name. */
  trainableTensors(): Map<string, Tensor> {
    return new Map(this.trainableNames.map((n) => [n, this.tensors.get(n)!]));
  }

  /** `prefix.weight` (and `prefix.bias` when present), plus a LoRA update when `prefix` is targeted. */
  linear(input: Tensor, prefix: string): Tensor {
    const bias = this.weights.has(`${prefix}.bias`) ? this.get(`${prefix}.bias`) : undefined;
    let y = linear(input, this.get(`${prefix}.weight`), bias);
    const lora = this.options.lora;
    if (lora && this.weights.has(`${prefix}.lora_A.weight`)) {
      const a = this.get(`${prefix}.lora_A.weight`);
      const b = this.get(`${prefix}.lora_B.weight`);
      const low = matmul(matmul(input, transpose(a, [1, 0])), transpose(b, [1, 0]));
      y = add(y, mul(low, lora.alpha / lora.rank));
    }
    return y;
  }
}

export function cloneWeights(weights: WeightMap): WeightMap {
  return new Map(
    [...weights].map(([k, v]): [string, Weight] => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }]),
  );
}
