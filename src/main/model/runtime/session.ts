// onnxruntime-node sessions for emitted graphs, with execution-provider selection. ORT throws when the CUDA
// provider is requested and its libraries are missing (it does not fall back by itself), so we try CUDA, catch,
// and fall back to the CPU with a notice that the UI shows.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import type { EmittedModel, IOSpec } from '../onnx/emit';
import { sizeOf, type DType, type TensorData } from '../graph/tensor';
import { cudaProviderLibrary, setDevice } from '../../platform/device';
import type { WeightMap } from './safetensors';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda';

export interface DeviceInfo {
  kind: 'cpu' | 'cuda';
  /** Human-readable name: the CPU model or the GPU's name. */
  name: string;
  /** Set when the request could not be honoured (e.g. CUDA asked for but unavailable). */
  notice?: string;
}

export interface SessionOptions {
  device?: DeviceRequest;
  /** ORT intra-op threads (default: ORT's choice). */
  threads?: number;
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
};

let cudaBroken: string | undefined;

function cpuName(): string {
  const c = cpus();
  return `${c[0]?.model?.trim() || 'CPU'} (${c.length} threads)`;
}

function gpuName(): string {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 3000 })
      .toString()
      .split('\n')[0]
      .trim();
  } catch {
    return 'CUDA device';
  }
}

/** A loaded graph: run it with typed arrays keyed by input name; get typed arrays keyed by output name. */
export class GraphSession {
  private constructor(
    readonly session: ort.InferenceSession,
    readonly device: DeviceInfo,
    readonly inputs: IOSpec[],
    readonly outputs: IOSpec[],
  ) {}

  static async create(
    model: EmittedModel | { path: string; inputs: IOSpec[]; outputs: IOSpec[] },
    options: SessionOptions = {},
  ) {
    // SEARCHLAB_DEVICE=cpu (or =cuda) overrides 'auto', as platform/device.ts documents
    const env = process.env.SEARCHLAB_DEVICE;
    const request =
      options.device && options.device !== 'auto' ? options.device : env === 'cpu' || env === 'cuda' ? env : 'auto';
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: options.optimization ?? 'all',
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      // constants handed over from memory (emit's inMemoryThreshold): views of their owner's arrays, not copies
      ...('externalData' in model && model.externalData ? { externalData: model.externalData } : {}),
    };
    let source: string | Uint8Array = 'path' in model ? model.path : model.bytes;
    let tempDir: string | undefined;
    if (!('path' in model) && model.external) {
      // external data is read relative to the model file: write both to a private temporary folder
      tempDir = mkdtempSync(join(tmpdir(), 'searchlab-onnx-'));
      source = saveModel(model, join(tempDir, 'model.onnx')).path;
    }
    const open = (eps: string[], logSeverityLevel?: 0 | 1 | 2 | 3 | 4) => {
      const o = { ...base, executionProviders: eps, ...(logSeverityLevel ? { logSeverityLevel } : {}) };
      return typeof source === 'string'
        ? ort.InferenceSession.create(source, o)
        : ort.InferenceSession.create(source, o);
    };

    let session: ort.InferenceSession | undefined;
    let device: DeviceInfo | undefined;
    // Without the provider library ORT would print a loader error to stderr before throwing: skip the try.
    if (request === 'auto' && !cudaBroken && !cudaProviderLibrary())
      cudaBroken = 'onnxruntime-node has no CUDA provider libraries installed';
    if (request !== 'cpu' && !cudaBroken) {
      try {
        session = await open(['cuda'], 4);
        device = { kind: 'cuda', name: gpuName() };
      } catch (e) {
        cudaBroken = (e as Error).message.split('\n')[0];
      }
    }
    if (!session) {
      session = await open(['cpu']);
      device = { kind: 'cpu', name: cpuName() };
      if (request !== 'cpu') device.notice = `CUDA is not available (${cudaBroken}); running on the CPU`;
    }
    // tell the rest of the engine (system.info → the UI) what really happened
    // (sessions pinned to the CPU, such as gradient checks, say nothing about the device)
    if (request !== 'cpu') setDevice({ kind: device!.kind, name: device!.name, notice: device!.notice ?? null });
    const s = new GraphSession(session, device!, model.inputs, model.outputs);
    s.tempDir = tempDir;
    return s;
  }

  private tempDir?: string;

  /**
   * Runs the graph. An input with open dimensions (-1 in its spec) takes its shape from `dims`, which must agree with
   * the spec's fixed sizes and with the data's length.
   */
  async run(
    feeds: Record<string, TensorData>,
    fetch?: readonly string[],
    dims: Record<string, readonly number[]> = {},
  ): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const spec of this.inputs) {
      const data = feeds[spec.name];
      if (!data) throw new Error(`missing graph input ${spec.name}`);
      const shape = spec.shape.includes(-1) ? dims[spec.name] : spec.shape;
      if (!shape) throw new Error(`input ${spec.name} has open dimensions [${spec.shape}]: give its shape`);
      if (shape.length !== spec.shape.length || spec.shape.some((d, i) => d !== -1 && d !== shape[i]))
        throw new Error(`input ${spec.name}: shape [${shape}] does not fit [${spec.shape}]`);
      if (data.length !== sizeOf(shape))
        throw new Error(`input ${spec.name}: ${data.length} values for shape [${shape}]`);
      ortFeeds[spec.name] = new ort.Tensor(ORT_TYPE[spec.dtype], data as never, shape);
    }
    const result = fetch ? await this.session.run(ortFeeds, fetch as string[]) : await this.session.run(ortFeeds);
    const out: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(result)) out[name] = t.data as TensorData;
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** Writes an emitted model (and its external data, if any) to `path`; returns a session-ready descriptor. */
export function saveModel(model: EmittedModel, path: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, model.bytes);
  if (model.external) writeFileSync(join(dirname(path), model.external.fileName), model.external.bytes);
  return { path, inputs: model.inputs, outputs: model.outputs };
}

/** Which device a session would use now, without building one. */
export async function probeDevice(request: DeviceRequest = 'auto'): Promise<DeviceInfo> {
  const { input, add } = await import('../graph/ops');
  const { emit } = await import('../onnx/emit');
  const x = input('x', [1]);
  const s = await GraphSession.create(emit({ y: add(x, 1) }), { device: request });
  await s.release();
  return s.device;
}

/**
 * Feeds for a session whose weights are graph inputs: each input it declares, from `data` or else from `weights`
 * (weights live once in memory and every graph on them is fed the same arrays).
 */
export function feedsWithWeights(
  session: GraphSession,
  data: Record<string, TensorData | undefined>,
  weights: WeightMap,
): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const spec of session.inputs) {
    const value = data[spec.name] ?? weights.get(spec.name)?.data;
    if (!value) throw new Error(`no data for graph input ${spec.name}`);
    out[spec.name] = value;
  }
  return out;
}
