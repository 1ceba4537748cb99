// The model engine's public surface. Everything here is plain Node (no Electron); session.run blocks its thread,
// so callers run model work in a worker thread or child process.
//
// Layers, bottom up: graph (symbolic tensors, primitives with gradient rules, composites, autodiff) → onnx (emission)
// → runtime (onnxruntime sessions, device choice, safetensors) → train (parameters, AdamW, Trainer) → tiny (the tiny
// VLM, its tokenizer and folder, policy log-probs and training) → generate (sampling with a KV cache).

// graph building
export * as ops from './graph/ops';
export * as nn from './graph/composites';
export { grad } from './graph/autodiff';
export { Tensor, ShapeError, type DType, type Shape, type TensorData } from './graph/tensor';
export { emit, OPSET, type EmittedModel, type EmitOptions } from './onnx/emit';

// runtime
export {
  GraphSession,
  probeDevice,
  saveModel,
  type DeviceInfo,
  type DeviceRequest,
  type SessionOptions,
} from './runtime/session';
export {
  loadWeights,
  saveWeights,
  encodeSafetensors,
  parseSafetensors,
  safetensorsFiles,
  SafetensorsError,
  type Weight,
  type WeightMap,
} from './runtime/safetensors';

// training
export { Trainer, type LossGraph, type StepResult, type TrainerOptions } from './train/trainer';
export { defaultAdamW, type AdamWConfig } from './train/adamw';
export { ParamSet, initWeights, cloneWeights, type LoraConfig, type ParamSpec, type Trainable } from './train/params';

// the tiny VLM and the policy API used by RL
export {
  createTinyVlm,
  cloneTinyVlm,
  loadTinyVlm,
  saveTinyVlm,
  enableLora,
  type TinyVlm,
  type CreateOptions,
} from './tiny/vlm';
export { bucketLength, Policy, PolicyTrainer, type PolicyTrainerOptions } from './tiny/policy';
export { sftLoss } from './tiny/losses';
export { packBatch, encodeWithImages, type Sequence, type PackedBatch } from './tiny/batch';
export { parseConfig, imageGeometry, expectedShapes, type TinyVlmConfig, type VisionConfig } from './tiny/config';
export {
  buildTokenizer,
  TextTokenizer,
  PROTOCOL_TOKENS,
  SPECIAL_TOKENS,
  CHAT_TEMPLATE,
  type TokenizerFiles,
} from './tiny/tokenizer';
export type { BatchShape, PolicyOutputs } from './tiny/graphs';

// generation
export {
  generate,
  PROTOCOL_STOPS,
  type GenerateOptions,
  type Generation,
  type GenerateStats,
} from './generate/generate';
export { sampleToken, type SamplingOptions } from './generate/sampling';

// correctness
export { gradCheck, gradCheckAll, formatResults, type GradCheckCase, type GradCheckResult } from './gradcheck/check';
export { allGradCheckCases } from './gradcheck/all';

// model families, the policy interface and the pieces the RL stack builds on
export { availableRam, gib, type RunShape } from './policy/memory';
export { sftTokenSumLoss } from './tiny/losses';
export { TinyPolicyModel } from './families/tiny';
export { isVisionWeight } from './tiny/config';
export { type PolicyImage, type PolicyModel } from './policy/types';
export { add, cast, exp, greater, less, minimum, mul, neg, sub } from './graph/ops';
export { clip, maskedMean } from './graph/composites';
export { imageToPixels } from './tiny/pixels';
export { isLoraWeight } from './train/params';
export { ShapedTrainers } from './train/shaped-trainers';
export {
  type PolicyLoss,
  type PolicyLossContext,
  type PolicyTrainers,
  type TrainablePolicy,
  type TrainingOptions,
  type MicroBatch,
} from './policy/training';
export { TinyTrainablePolicy } from './families/tiny';
export { familyOfFolder, summarizeModelFolder } from './families';
export { checkTrainable, loadPolicyModel, openTrainablePolicy, trainingNeed } from './policy/load';
export { checkQwen25VlFolder } from './families/qwen2_5_vl/folder';
