// A model folder → the policy interface, by the family its config.json names.

import { familyOfFolder } from '../families';
import { loadQwen25VlFolder, readQwen25VlMeta } from '../families/qwen2_5_vl/folder';
import { modelShape } from '../families/qwen2_5_vl/config';
import { checkMemory, type RunShape } from './memory';
import { QwenPolicyModel } from '../families/qwen2_5_vl/policy';
import { TinyPolicyModel } from '../families/tiny';
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
