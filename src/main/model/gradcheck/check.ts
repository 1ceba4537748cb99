// Gradient checks against finite differences, run through onnxruntime for real: the forward and backward graphs
// are emitted to ONNX, the analytic gradient comes from the backward graph, and the numeric one from central
// differences (fourth order) of the emitted forward along coordinate and random unit directions. The error of one directional
// derivative is |numeric − analytic| / max(|numeric|, |analytic|, ‖gradient‖ / 1000).

import { seededRandom } from '../../platform/random';
import { grad } from '../graph/autodiff';
import { cast, constant, input, mul, sum } from '../graph/ops';
import { allocData, isFloat, sizeOf, type DType, type Shape, type Tensor, type TensorData } from '../graph/tensor';
import { emit } from '../onnx/emit';
import { GraphSession } from '../runtime/session';

export interface CheckInput {
  name: string;
  shape: Shape;
  /** 'float' inputs are differentiated; 'int' inputs are fixed ids in [0, max). */
  kind?: 'float' | 'positive' | 'int' | 'bool';
  max?: number;
  /** Explicit values (otherwise random). */
  values?: number[];
}

export interface GradCheckCase {
  name: string;
  /** 'primitive' or 'composite' or 'model': for the table. */
  group: string;
  inputs: CheckInput[];
  build(...xs: Tensor[]): Tensor;
  /** float64 by default; float32 for ops ORT lacks in double. */
  dtype?: DType;
  eps?: number;
}

export interface GradCheckResult {
  name: string;
  group: string;
  dtype: DType;
  checks: number;
  maxRelError: number;
  passed: boolean;
  error?: string;
  /** The input (and values) behind the largest error. */
  worst?: string;
}

/** Relative-error tolerance: 1e-6 in float64, 1e-3 in float32. */
export function tolerance(dtype: DType): number {
  return dtype === 'float64' ? 1e-6 : 1e-3;
}

// Seeded, so that a failing check reproduces.
const rng = seededRandom;

export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export async function gradCheck(testCase: GradCheckCase, seed = 1): Promise<GradCheckResult> {
  const dtype = testCase.dtype ?? 'float64';
  const rand = rng(seed);
  const tensors: Tensor[] = [];
  const values: TensorData[] = [];
  for (const spec of testCase.inputs) {
    const kind = spec.kind ?? 'float';
    const n = sizeOf(spec.shape);
    if (kind === 'int') {
      tensors.push(input(spec.name, spec.shape, 'int64'));
      values.push(
        BigInt64Array.from({ length: n }, (_, i) => BigInt(spec.values?.[i] ?? Math.floor(rand() * (spec.max ?? 4)))),
      );
    } else if (kind === 'bool') {
      tensors.push(input(spec.name, spec.shape, 'bool'));
      values.push(Uint8Array.from({ length: n }, (_, i) => spec.values?.[i] ?? (rand() < 0.5 ? 1 : 0)));
    } else {
      tensors.push(input(spec.name, spec.shape, dtype));
      const v = allocData(dtype, n) as Float64Array;
      for (let i = 0; i < n; i++) v[i] = spec.values?.[i] ?? (kind === 'positive' ? 0.5 + rand() * 1.5 : normal(rand));
      values.push(v);
    }
  }
  const out = testCase.build(...tensors);
  if (!isFloat(out.dtype)) throw new Error(`${testCase.name}: output is not float`);
  const weights = new Float64Array(out.size);
  for (let i = 0; i < weights.length; i++) weights[i] = normal(rand);
  // the projection is summed in float64 so that only the op's own rounding enters the differences
  const loss = sum(mul(cast(out, 'float64'), constant(weights, out.shape, 'float64')));
  const diffIdx = testCase.inputs
    .map((s, i) => ((s.kind ?? 'float') === 'float' || s.kind === 'positive' ? i : -1))
    .filter((i) => i >= 0);
  const grads = grad(
    loss,
    diffIdx.map((i) => tensors[i]),
  );
  const outputs: Record<string, Tensor> = { loss };
  diffIdx.forEach((i, k) => (outputs[`grad_${testCase.inputs[i].name}`] = grads[k]));
  const session = await GraphSession.create(emit(outputs), { device: 'cpu', threads: 1 });
  try {
    const feeds = Object.fromEntries(testCase.inputs.map((s, i) => [s.name, values[i]]));
    const base = await session.run(feeds);
    const eps = testCase.eps ?? (dtype === 'float64' ? 1e-4 : 1e-2);
    const lossAt = async (): Promise<number> => Number((await session.run(feeds, ['loss'])).loss[0]);
    let maxRel = 0;
    let checks = 0;
    let worst = '';
    for (const i of diffIdx) {
      const x = values[i] as Float64Array;
      const g = base[`grad_${testCase.inputs[i].name}`] as Float64Array;
      const n = x.length;
      const directions: Float64Array[] = [];
      const coords = n <= 6 ? [...Array(n).keys()] : Array.from({ length: 6 }, () => Math.floor(rand() * n));
      for (const k of coords) {
        const d = new Float64Array(n);
        d[k] = 1;
        directions.push(d);
      }
      for (let r = 0; r < 2; r++) {
        const d = Float64Array.from({ length: n }, () => normal(rand));
        const norm = Math.hypot(...d);
        directions.push(d.map((x) => x / norm));
      }
      // components far smaller than the gradient as a whole are compared against a thousandth of its norm, so that
      // the rounding noise of the loss does not count as an error
      let gNorm = 0;
      for (let k = 0; k < n; k++) gNorm += g[k] * g[k];
      const floor = Math.max(1e-3 * Math.sqrt(gNorm), dtype === 'float64' ? 1e-10 : 1e-6);
      const original = Float64Array.from(x);
      for (const d of directions) {
        const at = async (h: number) => {
          for (let k = 0; k < n; k++) x[k] = original[k] + h * d[k];
          return lossAt();
        };
        // fourth-order central difference: truncation error O(eps⁴), so eps can be large enough to keep rounding small
        const d1 = (await at(eps)) - (await at(-eps));
        const d2 = (await at(2 * eps)) - (await at(-2 * eps));
        x.set(original);
        const numeric = (8 * d1 - d2) / (12 * eps);
        let analytic = 0;
        for (let k = 0; k < n; k++) analytic += g[k] * d[k];
        const scale = Math.max(Math.abs(numeric), Math.abs(analytic), floor);
        const rel = Math.abs(numeric - analytic) / scale;
        if (rel > maxRel) {
          maxRel = rel;
          worst = `${testCase.inputs[i].name} (numeric ${numeric.toExponential(3)}, analytic ${analytic.toExponential(3)})`;
        }
        checks++;
      }
    }
    return {
      name: testCase.name,
      group: testCase.group,
      dtype,
      checks,
      maxRelError: maxRel,
      passed: maxRel < tolerance(dtype),
      worst,
    };
  } finally {
    await session.release();
  }
}

/** Runs every case; never throws (a crash is a failed row). */
export async function gradCheckAll(cases: readonly GradCheckCase[]): Promise<GradCheckResult[]> {
  const results: GradCheckResult[] = [];
  for (const c of cases) {
    try {
      results.push(await gradCheck(c));
    } catch (e) {
      results.push({
        name: c.name,
        group: c.group,
        dtype: c.dtype ?? 'float64',
        checks: 0,
        maxRelError: NaN,
        passed: false,
        error: (e as Error).message,
      });
    }
  }
  return results;
}

export function formatResults(results: readonly GradCheckResult[]): string[] {
  const lines = [
    `${'op'.padEnd(32)}${'group'.padEnd(12)}${'dtype'.padEnd(9)}${'checks'.padStart(7)}  ${'max rel err'.padStart(11)}  result`,
  ];
  for (const r of results)
    lines.push(
      `${r.name.padEnd(32)}${r.group.padEnd(12)}${r.dtype.padEnd(9)}${String(r.checks).padStart(7)}  ` +
        `${(Number.isNaN(r.maxRelError) ? '-' : r.maxRelError.toExponential(2)).padStart(11)}  ` +
        (r.passed ? 'ok' : `FAIL${r.error ? `: ${r.error}` : ` at ${r.worst}`}`),
    );
  const failed = results.filter((r) => !r.passed).length;
  lines.push(
    `${results.length - failed}/${results.length} passed (tolerance: relative error < 1e-6 in float64, < 1e-3 in float32)`,
  );
  return lines;
}
