// A model folder → the policy interface, by the family its config.json names.

import { familyOfFolder } from '../families';
import { loadQwen25VlFolder } from '../families/qwen2_5_vl/folder';
import { QwenPolicyModel } from '../families/qwen2_5_vl/policy';
import { TinyPolicyModel } from '../families/tiny';
import type { DeviceRequest } from '../runtime/session';
import { loadTinyVlm, Policy } from '../tiny/vlm';
import type { PolicyModel } from './types';

export interface LoadPolicyOptions {
  device?: DeviceRequest;
  threads?: number;
  /** The weights never change (evaluation, replay): the tiny runtime bakes them into its graphs. */
  frozen?: boolean;
}

export function loadPolicyModel(dir: string, options: LoadPolicyOptions = {}): PolicyModel {
  const family = familyOfFolder(dir);
  if (family.id === 'qwen2.5-vl') return new QwenPolicyModel(loadQwen25VlFolder(dir), { device: options.device, threads: options.threads });
  return new TinyPolicyModel(new Policy(loadTinyVlm(dir), { device: options.device ?? 'auto', threads: options.threads, frozen: options.frozen }));
}
