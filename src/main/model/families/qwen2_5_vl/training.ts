// Training Qwen2.5-VL: the whole-sequence forward a loss is composed into (the vision tower over every image of the
// batch, the decoder over right-padded rows, per-token log-probs), the host-side packing of a micro-batch into its
// inputs, and a training session for one batch shape. Shapes are static: a session serves one (rows, length,
// patches), and ShapedTrainers hands the parameters and optimizer state from one session to the next.

import { entropy, keyPaddingMask } from '../../graph/composites';
import { constant, gather, input, logSoftmax, mul, pad, reshape, sliceAxis } from '../../graph/ops';
import type { TensorData } from '../../graph/tensor';
import type { BatchTrainer, MicroBatch, PolicyLossOutputs, TrainingOptions } from '../../policy/training';
import type { PolicySequence } from '../../policy/types';
import type { DeviceRequest } from '../../runtime/session';
import type { ParamSet } from '../../train/params';
import { Trainer } from '../../train/trainer';
import type { Qwen25VlConfig } from './config';
import type { Qwen25VlFolder } from './folder';
import { decoder, embedTokens, lmHead, ownTokensMask, visionInputs, visionTower, type KV } from './graph';
import { decoderRotary, multimodalPositions, visionAttentionMasks, visionRotary } from './positions';

export interface QwenTrainingShape {
  batch: number;
  length: number;
  /** Patch rows of every image in the batch (0: no vision tower in the graph). */
  patches: number;
}

/**
 * Per-token log-probs [B, T] of right-padded rows, and their entropies. Inputs: `input_ids`, `attention_mask`,
 * `image_index` [B, T] (as the decoder graph's), `rope_cos`/`rope_sin` [B, T, hd], `target_index` [B, T] (where
 * log p(ids[t]) sits in the flattened [B, T, V] log-softmax: position t − 1's row, column ids[t]) and, with images,
 * the vision tower's inputs for all the batch's patches.
 */
export function trainingForward(P: ParamSet, config: Qwen25VlConfig, shape: QwenTrainingShape): PolicyLossOutputs {
  const { batch: B, length: T, patches } = shape;
  const D = config.text.hidden_size;
  const V = config.text.vocab_size;
  const Hkv = config.text.num_key_value_heads;
  const hd = config.headDim;
  const dtype = P.dtype;
  const features =
    patches > 0
      ? visionTower(P, config, visionInputs(config, patches))
      : constant(new Float32Array(D), [1, D], dtype, 'no_image');
  const ids = input('input_ids', [B, T], 'int64');
  const embeds = embedTokens(P, ids, input('image_index', [B, T], 'int64'), features);
  const order = constant(
    BigInt64Array.from({ length: T }, (_, i) => BigInt(i)),
    [T],
    'int64',
    'token_order',
  );
  // no cache: one empty slot, masked out, stands for it (the decoder's attention always joins a cache)
  const empty = constant(new Float32Array(B * Hkv * hd), [B, Hkv, 1, hd], dtype, 'empty_cache');
  const past: KV[] = Array.from({ length: config.text.num_hidden_layers }, () => ({ k: empty, v: empty }));
  const { hidden } = decoder(P, config, {
    embeds,
    cos: input('rope_cos', [B, T, hd], dtype),
    sin: input('rope_sin', [B, T, hd], dtype),
    pastMask: keyPaddingMask(constant(new BigInt64Array(B), [B, 1], 'int64', 'empty_cache_mask'), dtype),
    ownMask: ownTokensMask(order, input('attention_mask', [B, T], 'int64'), dtype),
    past,
  });
  const logits = lmHead(P, config, hidden);
  // one gather from the flattened log-softmax instead of a [B, T, V] one-hot: the vocabulary is 150k wide
  const picked = gather(reshape(logSoftmax(logits, -1), [B * T * V]), input('target_index', [B, T], 'int64'), 0);
  const notFirst = constant(
    Float32Array.from({ length: T }, (_, t) => (t === 0 ? 0 : 1)),
    [1, T],
    dtype,
    'not_first',
  );
  return {
    logprobs: mul(picked, notFirst),
    // the distribution at t − 1 predicted ids[t]: shift right by one
    entropy: () => pad(sliceAxis(entropy(logits), 1, 0, T - 1), [0, 1], [0, 0]),
  };
}

/**
 * Patch rows are padded up to a multiple of this (16 image tokens), so that micro-batches whose pictures differ a
 * little in size share a session: the padding rows attend only to each other and no token reads their features.
 */
export const PATCH_BUCKET = 64;

/** The training shape of a micro-batch: its rows, padded length and (bucketed) patch rows. */
export function trainingShape(rows: readonly PolicySequence[], length: number): QwenTrainingShape {
  const patches = rows.reduce(
    (n, r) => n + (r.images ?? []).reduce((m, i) => m + (i.grid ? gridPatches(i.grid) : 0), 0),
    0,
  );
  return { batch: rows.length, length, patches: Math.ceil(patches / PATCH_BUCKET) * PATCH_BUCKET };
}

const gridPatches = (g: readonly [number, number, number]) => g[0] * g[1] * g[2];

/**
 * A micro-batch's inputs for trainingForward: rows right-padded to `length`, their images in row order, the patch
 * rows padded to `patches` (default: as many as the images have).
 */
export function trainingFeeds(
  config: Qwen25VlConfig,
  rows: readonly PolicySequence[],
  length: number,
  patches?: number,
): Record<string, TensorData> {
  const B = rows.length;
  const T = length;
  const V = config.text.vocab_size;
  const hd = config.headDim;
  const ids = new BigInt64Array(B * T);
  const attention = new BigInt64Array(B * T);
  const imageIndex = new BigInt64Array(B * T);
  const target = new BigInt64Array(B * T);
  const cos = new Float32Array(B * T * hd).fill(1);
  const sin = new Float32Array(B * T * hd);
  const grids: (readonly [number, number, number])[] = [];
  const pixels: Float32Array[] = [];
  let feature = 0;
  rows.forEach((row, b) => {
    const n = row.ids.length;
    if (n > T) throw new Error(`training row ${b} has ${n} tokens, more than the batch's length ${T}`);
    const images = row.images ?? [];
    for (const [k, image] of images.entries()) {
      if (!image.grid) throw new Error(`training row ${b}, image ${k}: a Qwen2.5-VL image needs its patch grid`);
      grids.push(image.grid);
      pixels.push(image.pixels);
    }
    let positions: ReturnType<typeof multimodalPositions>;
    try {
      positions = multimodalPositions(
        row.ids,
        images.map((i) => i.grid!),
        config,
      );
    } catch (error) {
      throw new Error(`training row ${b}: ${(error as Error).message}`);
    }
    const rope = decoderRotary(positions.ids, n, config);
    cos.set(rope.cos, b * T * hd);
    sin.set(rope.sin, b * T * hd);
    row.ids.forEach((id, t) => {
      const at = b * T + t;
      ids[at] = BigInt(id);
      attention[at] = 1n;
      if (id === config.tokens.image_token_id) imageIndex[at] = BigInt(++feature);
      if (t > 0) {
        if (id < 0 || id >= V)
          throw new Error(`training row ${b}, position ${t}: token id ${id} is outside the vocabulary (${V})`);
        target[at] = BigInt((at - 1) * V + id);
      }
    });
  });
  const feeds: Record<string, TensorData> = {
    input_ids: ids,
    attention_mask: attention,
    image_index: imageIndex,
    target_index: target,
    rope_cos: cos,
    rope_sin: sin,
  };
  if (grids.length) {
    const masks = visionAttentionMasks(grids, config);
    const rope = visionRotary(grids, config);
    const real = masks.patches;
    const P = patches ?? real;
    if (P < real) throw new Error(`the micro-batch's pictures have ${real} patch rows, more than its shape's ${P}`);
    const width = pixels[0].length / gridPatches(grids[0]);
    const hd = config.visionHeadDim;
    const all = new Float32Array(P * width);
    let at = 0;
    for (const p of pixels) {
      all.set(p, at);
      at += p.length;
    }
    // padding rows: no rotation, and a block of their own in both masks
    const cos = new Float32Array(P * hd).fill(1);
    cos.set(rope.cos);
    const sin = new Float32Array(P * hd);
    sin.set(rope.sin);
    const padded = (mask: Float32Array) => {
      if (P === real) return mask;
      const out = new Float32Array(P * P).fill(-1e9);
      for (let a = 0; a < real; a++) out.set(mask.subarray(a * real, (a + 1) * real), a * P);
      for (let a = real; a < P; a++) out.fill(0, a * P + real, (a + 1) * P);
      return out;
    };
    Object.assign(feeds, {
      pixel_values: all,
      vision_cos: cos,
      vision_sin: sin,
      window_mask: padded(masks.window),
      full_mask: padded(masks.full),
    });
  }
  return feeds;
}

/** A training session for micro-batches of one shape. */
export async function qwenBatchTrainer(
  folder: Qwen25VlFolder,
  shape: QwenTrainingShape,
  options: TrainingOptions & { device?: DeviceRequest; threads?: number },
): Promise<BatchTrainer> {
  const trainer = await Trainer.create({
    weights: folder.weights,
    trainable: options.trainable,
    optimizer: options.optimizer,
    device: options.device,
    threads: options.threads,
    build: (P) =>
      options.loss({
        out: trainingForward(P, folder.config, shape),
        shape,
        input: (name, dims, dtype = 'float32') => input(name, dims, dtype),
      }),
  });
  const feeds = (batch: MicroBatch) => {
    const got = trainingShape(batch.rows, batch.length);
    if (got.batch !== shape.batch || got.patches !== shape.patches || batch.length !== shape.length)
      throw new Error(
        `this training session takes ${shape.batch} rows × ${shape.length} tokens with ${shape.patches} patches, ` +
          `got ${got.batch} × ${batch.length} with ${got.patches}`,
      );
    return { ...batch.extra, ...trainingFeeds(folder.config, batch.rows, batch.length, shape.patches) };
  };
  return {
    trainer,
    step: (batch, lr) => trainer.trainStep(feeds(batch), lr),
    accumulate: (batch, scale) => trainer.accumulate(feeds(batch), scale),
    release: () => trainer.release(),
  };
}
