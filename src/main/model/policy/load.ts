// A model folder → the policy interface, by the family its config.json names.

import { familyOfFolder } from '../families';
import { checkQwen25VlFolder, loadQwen25VlFolder, readJson, readQwen25VlMeta } from '../families/qwen2_5_vl/folder';
import { modelShape, parseQwen25VlConfig, type Qwen25VlConfig } from '../families/qwen2_5_vl/config';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkMemory, checkTrainingMemory, trainingMemory, type RunShape, type TrainingShape } from './memory';
import { QwenPolicyModel } from '../families/qwen2_5_vl/policy';
import { TinyPolicyModel, TinyTrainablePolicy } from '../families/tiny';
import { QwenTrainablePolicy } from '../families/qwen2_5_vl/trainable';
import type { TrainablePolicy } from './training';
import type { DeviceRequest } from '../runtime/session';
import { loadTinyVlm } from '../tiny/vlm';
import { Policy } from '../tiny/policy';
import type { PolicyModel } from './types';
import { cudaFreeMemoryBytes, cudaProviderLibrary } from '../../platform/device';

export interface LoadPolicyOptions {
  device?: DeviceRequest;
  threads?: number;
  /** The weights never change (evaluation, replay): the tiny runtime bakes them into its graphs. */
  frozen?: boolean;
  /** What it will run, for the memory check made before the weights are read (default: 1 × 8192 tokens). */
  run?: RunShape;
}

export function loadPolicyModel(dir: string, options: LoadPolicyOptions = {}): PolicyModel {
  const family = familyOfFolder(dir);
  if (family.id === 'qwen2.5-vl') {
    const meta = checkQwen25VlMemory(dir, options.device, options.run);
    return new QwenPolicyModel(loadQwen25VlFolder(dir, meta), { device: options.device, threads: options.threads });
  }
  return new TinyPolicyModel(
    new Policy(loadTinyVlm(dir), {
      device: options.device ?? 'auto',
      threads: options.threads,
      frozen: options.frozen,
    }),
  );
}

/**
 * Reads a Qwen2.5-VL folder's description and checks, before any weight is read, that the model and the run fit the
 * memory available, and the GPU's free memory too where CUDA will run it; throws naming the numbers.
 */
export function checkQwen25VlMemory(dir: string, device?: DeviceRequest, run: RunShape = { batch: 1, length: 8192 }) {
  const meta = readQwen25VlMeta(dir);
  const shape = modelShape(meta.config);
  checkMemory(`${dir} (Qwen2.5-VL)`, shape, run);
  const gpuFree = device !== 'cpu' && cudaProviderLibrary() ? cudaFreeMemoryBytes() : null;
  if (gpuFree !== null) checkMemory(`${dir} (Qwen2.5-VL) on the GPU`, shape, run, gpuFree, 'GPU memory');
  return meta;
}

export interface TrainablePolicyOptions {
  device?: DeviceRequest;
  threads?: number;
  /** A policy that never trains (a KL reference). */
  frozen?: boolean;
  /** What one training pass takes, for the memory check made before the weights are read. */
  training?: TrainingShape;
}

/**
 * Checks, without reading any weight, that a folder can start a run: a supported family, a published folder whose
 * files fit its config (from the headers), and training that fits the memory available. Throws saying why not.
 */
export function checkTrainable(dir: string, training: TrainingShape): void {
  if (familyOfFolder(dir).id !== 'qwen2.5-vl') return;
  checkTrainingMemory(`${dir} (Qwen2.5-VL)`, modelShape(checkedFolder(dir)), training);
}

/** Folders whose files passed checkQwen25VlFolder, by what their files were then (the config is checked as it is typed). */
const checkedFolders = new Map<string, { stamp: string; config: Qwen25VlConfig }>();

/** A folder's files as names, sizes and modification times: any change to one makes a new stamp. */
function folderStamp(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const st = statSync(join(dir, name));
      return `${name}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
}

/** checkQwen25VlFolder's config, checked again only when the folder's files changed (parsing the tokenizer takes a while). */
function checkedFolder(dir: string): Qwen25VlConfig {
  const stamp = folderStamp(dir);
  const known = checkedFolders.get(dir);
  if (known?.stamp === stamp) return known.config;
  const { config } = checkQwen25VlFolder(dir);
  checkedFolders.set(dir, { stamp, config });
  if (checkedFolders.size > 32) checkedFolders.delete(checkedFolders.keys().next().value!);
  return config;
}

/** What training a published model's folder needs (from config.json alone), or null for the tiny VLM. */
export function trainingNeed(dir: string, training: TrainingShape) {
  if (familyOfFolder(dir).id !== 'qwen2.5-vl') return null;
  // config.json alone: the Models page and the run estimate ask for every folder, and the tokenizer is slow to read
  const shape = modelShape(parseQwen25VlConfig(readJson(dir, 'config.json'), join(dir, 'config.json')));
  return { parameters: shape.parameters, ...trainingMemory(shape, training) };
}

/** A model folder → a policy a run trains (or, `frozen`, its reference), by the family its config.json names. */
export function openTrainablePolicy(dir: string, options: TrainablePolicyOptions = {}): TrainablePolicy {
  const { device, threads, frozen } = options;
  if (familyOfFolder(dir).id === 'qwen2.5-vl') {
    const meta = readQwen25VlMeta(dir);
    if (options.training) checkTrainingMemory(`${dir} (Qwen2.5-VL)`, modelShape(meta.config), options.training);
    return new QwenTrainablePolicy(loadQwen25VlFolder(dir, meta), { device, threads, frozen });
  }
  return new TinyTrainablePolicy(new Policy(loadTinyVlm(dir), { device: device ?? 'auto', threads, frozen }));
}
