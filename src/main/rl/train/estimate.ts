// What a run will take before it starts: memory against what the device has, time per step from the steps this
// engine has already timed, and the search calls it may make with their cost. Rough by design: it reads the
// model's config.json and weight files, not the model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../storage';
import type { DeviceInfo, RunEstimate } from '../../../shared/contract';
import { readSearchConfig } from '../../search';
import { cudaTotalMemoryBytes } from '../../platform/device';
import type { RunConfig } from './config';
import { modelFolder, trainingShape } from './model-source';
import { trainingNeed } from '../../model';

const FLOAT32 = 4;
/** Weights, gradients, AdamW's two moments and the frozen reference, all held in float32. */
const TRAINING_COPIES = 5;

interface ModelShape {
  weightsBytes: number;
  hidden: number | null;
  layers: number | null;
  dtypeBytes: number;
}

function readModelShape(dir: string): ModelShape | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors'));
  const weightsBytes = files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // A folder without a readable config.json still has its weights' size.
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const dtype = String(config.torch_dtype ?? 'float32');
  return {
    weightsBytes,
    hidden: num(config.hidden_size),
    layers: num(config.num_hidden_layers),
    dtypeBytes: /16/.test(dtype) ? 2 : FLOAT32,
  };
}

/**
 * Where a run's graphs ran on this machine: the CPU when pinned there, else what the machine offers ('auto' and
 * 'cuda' fall back to the CPU when CUDA does not load).
 */
function deviceOfRun(runtime: Partial<RunConfig['runtime']> | undefined, device: DeviceInfo): DeviceInfo['kind'] {
  return runtime?.device === 'cpu' ? 'cpu' : device.kind;
}

/**
 * Mean seconds per trajectory over the timed steps of runs that start from the same model on the same device with
 * the same thread count: a step on the GPU, or on the CPU with other threads, says little about this one's time.
 */
function timedStepsOfSameModel(
  store: Store,
  config: RunConfig,
  device: DeviceInfo,
): { secondsPerTrajectory: number; runs: number } | null {
  const mine = deviceOfRun(config.runtime, device);
  const sameSetup = (c: RunConfig) =>
    JSON.stringify(c.model) === JSON.stringify(config.model) &&
    deviceOfRun(c.runtime, device) === mine &&
    (c.runtime?.cpuThreads ?? null) === (config.runtime.cpuThreads ?? null);
  const same = store.repos.runs.list().filter((r) => r.kind === 'grpo' && sameSetup(r.config as RunConfig));
  const rates: number[] = [];
  for (const run of same) {
    const c = run.config as RunConfig;
    const trajectories = c.grpo.batchPrompts * c.rollout.groupSize;
    for (const seconds of store.repos.runs.metricValues(run.id, 'step_seconds')) rates.push(seconds / trajectories);
  }
  if (rates.length === 0) return null;
  return { secondsPerTrajectory: rates.reduce((a, b) => a + b, 0) / rates.length, runs: same.length };
}

export function estimateRun(store: Store, config: RunConfig, machine: DeviceInfo): RunEstimate {
  // a run pinned to the CPU is estimated against the CPU even on a GPU machine
  const device: DeviceInfo =
    deviceOfRun(config.runtime, machine) === machine.kind ? machine : { kind: 'cpu', name: 'CPU', notice: null };
  const notes: string[] = [];
  let shape: ModelShape | null = null;
  try {
    shape = readModelShape(modelFolder(store, config.model));
  } catch (error) {
    notes.push((error as Error).message);
  }
  // A published family's own estimate (the one its memory check refuses with), else a rough one from the files.
  let published: ReturnType<typeof trainingNeed> = null;
  try {
    if (shape) published = trainingNeed(modelFolder(store, config.model), trainingShape(config));
  } catch (error) {
    notes.push((error as Error).message);
  }
  const parameters = published?.parameters ?? (shape ? Math.round(shape.weightsBytes / shape.dtypeBytes) : null);
  // Activations: a rough 16 floats per token, layer and hidden unit for one micro-batch's forward and backward.
  const microBatch = trainingShape(config).batch;
  const activationBytes =
    shape?.hidden && shape.layers
      ? microBatch * config.grpo.maxSequenceLength * shape.hidden * shape.layers * 16 * FLOAT32
      : null;
  const trainingBytes =
    published?.total ?? (parameters === null ? null : parameters * FLOAT32 * TRAINING_COPIES + (activationBytes ?? 0));
  if (shape && !published && activationBytes === null)
    notes.push('config.json gives no hidden_size / num_hidden_layers: activations are not counted');
  const deviceBytes = device.kind === 'cpu' ? os.totalmem() : cudaTotalMemoryBytes();
  if (device.kind === 'cuda' && deviceBytes === null)
    notes.push('nvidia-smi did not report the GPU memory: compare with what the GPU has');

  const trajectoriesPerStep = config.grpo.batchPrompts * config.rollout.groupSize;
  const timed = timedStepsOfSameModel(store, config, machine);
  const stepSeconds = timed ? timed.secondsPerTrajectory * trajectoriesPerStep : null;
  if (!timed)
    notes.push(
      'No step of this model has been timed here on this device with these threads yet: the time shows after the first step',
    );

  // A trajectory searches at most once per turn but the last, within the image and text search limits.
  const searchesPerTrajectory = Math.min(
    config.rollout.maxImageSearches + config.rollout.maxTextSearches,
    Math.max(0, config.rollout.maxTurns - 1),
  );
  const uncapped = trajectoriesPerStep * searchesPerTrajectory * config.grpo.steps;
  const searchCalls = config.search.maxCalls === null ? uncapped : Math.min(uncapped, config.search.maxCalls);
  const price = config.search.engine === 'serpapi' ? readSearchConfig(store).prices.serpapiSearch : 0;
  const searchCost =
    config.search.maxCost === null ? searchCalls * price : Math.min(searchCalls * price, config.search.maxCost);
  if (config.search.mode !== 'live')
    notes.push(`Search calls are an upper bound: in ${config.search.mode} mode cached answers cost nothing`);

  return {
    parameters,
    trainingBytes,
    deviceBytes,
    device: `${device.kind === 'cuda' ? 'GPU' : 'CPU'}: ${device.name}`,
    fits: trainingBytes === null || deviceBytes === null ? null : trainingBytes < deviceBytes,
    stepSeconds,
    totalSeconds: stepSeconds === null ? null : stepSeconds * config.grpo.steps,
    trajectoriesPerStep,
    searchCalls,
    searchCost,
    notes,
  };
}
