// Qwen2.5-VL as a run trains it: rollouts through the policy runtime, which reads the weights as graph inputs so
// that every update shows at once, and training sessions per batch shape (training.ts) over the same arrays.

import { probeDevice, type DeviceRequest } from '../../runtime/session';
import type { PolicySequence } from '../../policy/types';
import {
  shapedPolicyTrainers,
  type PolicyTrainers,
  type TrainablePolicy,
  type TrainingOptions,
} from '../../policy/training';
import { ShapedTrainers } from '../../train/shaped-trainers';
import { readCompanionFiles, saveQwen25VlFolder, type Qwen25VlFolder } from './folder';
import { QwenPolicyModel } from './policy';
import { qwenBatchTrainer, trainingShape, type QwenTrainingShape } from './training';

/** Training sessions kept at once: each batch shape (rows, length, patches) is a session of its own. */
const KEPT_SESSIONS = 4;

export class QwenTrainablePolicy implements TrainablePolicy {
  readonly family = 'qwen2.5-vl' as const;
  readonly trainable = 'all' as const;
  readonly model: QwenPolicyModel;
  /** config.json and the tokenizer's, template's and processor's files, kept from loading: a run's state folder it
   * was loaded from is removed once a later step is committed. */
  private readonly files: Map<string, Buffer>;

  /** `frozen`: a policy that never trains (a KL reference): on CUDA its weights then live on the GPU. */
  constructor(
    readonly folder: Qwen25VlFolder,
    private readonly options: { device?: DeviceRequest; threads?: number; frozen?: boolean } = {},
  ) {
    this.files = readCompanionFiles(folder.dir);
    this.model = new QwenPolicyModel(folder, {
      device: options.device,
      threads: options.threads,
      weights: options.frozen ? undefined : 'inputs',
    });
  }

  trainers(options: TrainingOptions, optimizerState: string | null = null): PolicyTrainers {
    if (this.options.frozen) throw new Error('a frozen policy cannot be trained');
    const { device, threads } = this.options;
    const shaped = new ShapedTrainers(
      (shape: QwenTrainingShape) => qwenBatchTrainer(this.folder, shape, { ...options, device, threads }),
      (s) => `${s.batch}x${s.length}x${s.patches}`,
      optimizerState,
      KEPT_SESSIONS,
    );
    return shapedPolicyTrainers(shaped, (b) => trainingShape(b.rows, b.length));
  }

  async logprobs(rows: readonly PolicySequence[]): Promise<Float32Array[]> {
    return (await this.model.logprobs(rows)).logprobs;
  }

  save(dir: string): void {
    saveQwen25VlFolder(this.folder, dir, this.files);
  }

  device() {
    return probeDevice(this.options.device);
  }

  release() {
    return this.model.release();
  }
}
