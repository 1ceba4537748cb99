// Running a loaded Qwen2.5-VL folder: prompt rendering with the model's own chat template, image preprocessing, the
// vision tower, a prefill over the prompt and greedy decoding against a host-side KV cache. Two sessions, built once
// with open sizes (graph.ts), run everything: the vision tower and the decoder (prefill, decode and scoring), whose
// weights do not overlap, so each weight is held once per device. Where they live depends on the device: on the CPU
// they are inputs fed from the folder's arrays (ORT reads them in place; initializers would be a second copy), on
// CUDA initializers (a copy on the GPU, made once, instead of one across the bus on every run).

import { Template } from '@huggingface/jinja';
import { emit } from '../../onnx/emit';
import type { Tensor, TensorData } from '../../graph/tensor';
import { feedsWithWeights, GraphSession, probeDevice, type DeviceRequest } from '../../runtime/session';
import { ParamSet } from '../../train/params';
import { KvCache } from '../../generate/kv-cache';
import type { Qwen25VlFolder } from './folder';
import { decoderGraph, pastName, presentName, visionInputs, visionTower } from './graph';
import { decoderRotary, multimodalPositions, visionAttentionMasks, visionRotary, type Positions3 } from './positions';
import { preprocessImageFile, type PreprocessedImage } from './preprocess';
import type { PolicyImage } from '../../policy/types';
import { SCORING_CHUNK } from '../../policy/memory';

export interface ChatPart {
  type: 'image' | 'text';
  text?: string;
}
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatPart[];
}

export interface PreparedPrompt {
  ids: number[];
  images: PreprocessedImage[];
  positions: Positions3;
}

export interface ProbeResult {
  input_ids: number[];
  image_grid_thw: [number, number, number][];
  position_ids: number[][];
  logits_last: number[][];
  greedy: number[];
  text: string;
}

const bucket = (n: number, step = 16) => Math.ceil(n / step) * step;

/** Where a session's weights live: graph inputs fed from the folder's arrays, or the session's own initializers. */
export type WeightPlacement = 'inputs' | 'initializers';

export interface RuntimeOptions {
  device?: DeviceRequest;
  threads?: number;
  /** Default: inputs on the CPU, initializers on CUDA. */
  weights?: WeightPlacement;
}

const range = (from: number, to: number) => BigInt64Array.from({ length: to - from }, (_, i) => BigInt(from + i));

export class Qwen25VlRuntime {
  private readonly sessions = new Map<'vision' | 'decoder', Promise<GraphSession>>();
  private readonly template: Template;
  private placement?: Promise<WeightPlacement>;

  constructor(
    readonly folder: Qwen25VlFolder,
    readonly options: RuntimeOptions = {},
  ) {
    this.template = new Template(folder.chatTemplate);
  }

  /** Where the weights live, decided once by the device the sessions will run on. */
  weightPlacement(): Promise<WeightPlacement> {
    this.placement ??= this.options.weights
      ? Promise.resolve(this.options.weights)
      : probeDevice(this.options.device).then((d) => (d.kind === 'cuda' ? 'initializers' : 'inputs'));
    return this.placement;
  }

  /** The open sessions' input names by graph (two sessions at most, however many lengths and batches have run). */
  async sessionInputs(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [key, s] of this.sessions) out[key] = (await s).inputs.map((i) => i.name);
    return out;
  }

  get config() {
    return this.folder.config;
  }

  /** The model's chat template applied to messages (generation prompt added). */
  render(messages: readonly ChatMessage[], addGenerationPrompt = true): string {
    return this.template.render({ messages, add_generation_prompt: addGenerationPrompt, add_vision_id: false });
  }

  /** Tokenises rendered text and widens each `<|image_pad|>` to the number of merged patches of its image. */
  expandImagePads(text: string, images: readonly PolicyImage[]): number[] {
    const pad = this.config.tokens.image_token_id;
    const unit = this.config.vision.spatial_merge_size ** 2;
    const out: number[] = [];
    let image = 0;
    for (const id of this.folder.tokenizer.encode(text)) {
      if (id !== pad) {
        out.push(id);
        continue;
      }
      const im = images[image++];
      if (!im?.grid) throw new Error(`the prompt has more image placeholders than the ${images.length} images given`);
      const [t, h, w] = im.grid;
      for (let k = 0; k < (t * h * w) / unit; k++) out.push(pad);
    }
    if (image !== images.length)
      throw new Error(`${images.length} images given but the prompt has ${image} image placeholders`);
    return out;
  }

  async prepare(
    messages: readonly ChatMessage[],
    imageFiles: readonly { bytes: Uint8Array; name: string }[],
  ): Promise<PreparedPrompt> {
    const images: PreprocessedImage[] = [];
    for (const f of imageFiles) images.push(await preprocessImageFile(f.bytes, this.folder.preprocessor, f.name));
    const ids = this.expandImagePads(this.render(messages), images);
    return {
      ids,
      images,
      positions: multimodalPositions(
        ids,
        images.map((i) => i.grid),
        this.config,
      ),
    };
  }

  /** One of the two sessions, built once with its sizes open. */
  private session(key: 'vision' | 'decoder', build: (P: ParamSet) => Record<string, Tensor>): Promise<GraphSession> {
    let s = this.sessions.get(key);
    if (!s) {
      s = this.weightPlacement().then((placement) => {
        const P = new ParamSet(this.folder.weights, { trainable: placement === 'inputs' ? 'all' : 'none' });
        const model = emit(build(P), { graphName: key, open: true, inMemoryThreshold: 4096 });
        return GraphSession.create(model, { device: this.options.device, threads: this.options.threads });
      });
      this.sessions.set(key, s);
    }
    return s;
  }

  private feeds(session: GraphSession, data: Record<string, TensorData>): Record<string, TensorData> {
    return feedsWithWeights(session, data, this.folder.weights);
  }

  /** Image-token features [N, D] for the images, concatenated in order. */
  async imageEmbeds(images: readonly PolicyImage[]): Promise<Float32Array> {
    const grids = images.map((i) => {
      if (!i.grid) throw new Error('a Qwen2.5-VL image needs its patch grid (prepare images with this model)');
      return i.grid;
    });
    const masks = visionAttentionMasks(grids, this.config);
    const rope = visionRotary(grids, this.config);
    const patches = masks.patches;
    const pixels = new Float32Array(images.reduce((n, i) => n + i.pixels.length, 0));
    let at = 0;
    for (const i of images) {
      pixels.set(i.pixels, at);
      at += i.pixels.length;
    }
    const session = await this.session('vision', (P) => ({
      image_embeds: visionTower(P, this.config, visionInputs(this.config)),
    }));
    const hd = this.config.visionHeadDim;
    const r = await session.run(
      this.feeds(session, {
        pixel_values: pixels,
        vision_cos: rope.cos,
        vision_sin: rope.sin,
        window_mask: masks.window,
        full_mask: masks.full,
      }),
      undefined,
      {
        pixel_values: [patches, pixels.length / patches],
        vision_cos: [patches, hd],
        vision_sin: [patches, hd],
        window_mask: [patches, patches],
        full_mask: [patches, patches],
      },
    );
    return r.image_embeds as Float32Array;
  }

  /** Prompt forward for one sequence: logits of the last K positions [K · V] and the keys/values of every position. */
  async prefill(
    prompt: { ids: readonly number[]; images: readonly PolicyImage[]; positions: Positions3 },
    logitsLast = 1,
    cache = true,
  ) {
    const T = prompt.ids.length;
    const inputs = await this.promptInputs(prompt);
    const r = await this.runDecoder({ ...inputs.slice(0, T), logits_index: range(T - logitsLast, T) }, 1, cache);
    const L = this.config.text.num_hidden_layers;
    return {
      logits: r.logits as Float32Array,
      keys: Array.from({ length: L }, (_, l) => r[presentName('k', l)]),
      values: Array.from({ length: L }, (_, l) => r[presentName('v', l)]),
    };
  }

  /**
   * log p(ids[t] | ids[<t]) at every position t ≥ 1 (0 at t = 0). The sequence is read in chunks of `chunk` tokens,
   * each against the keys/values of the chunks before it, so no more than chunk × V logits are held at once (a whole
   * 8192-token sequence's would be 5 GB at Qwen's vocabulary).
   */
  async tokenLogprobs(
    prompt: { ids: readonly number[]; images: readonly PolicyImage[]; positions: Positions3 },
    chunk = SCORING_CHUNK,
  ): Promise<Float32Array> {
    const c = this.config;
    const V = c.text.vocab_size;
    const L = c.text.num_hidden_layers;
    const T = prompt.ids.length;
    const inputs = await this.promptInputs(prompt);
    const cache = T > chunk ? new KvCache(L, 1, c.text.num_key_value_heads, T, c.headDim, 0) : undefined;
    const out = new Float32Array(T);
    for (let from = 0; from < T; from += chunk) {
      const to = Math.min(T, from + chunk);
      const data = { ...inputs.slice(from, to), logits_index: range(0, to - from) };
      if (cache && from > 0) Object.assign(data, { past_mask: cache.keyMask(), ...cache.feeds(pastName) });
      const keep = cache !== undefined && to < T;
      const r = await this.runDecoder(data, 1, keep);
      if (keep)
        cache.appendRow(
          0,
          Array.from({ length: L }, (_, l) => r[presentName('k', l)]),
          Array.from({ length: L }, (_, l) => r[presentName('v', l)]),
          to - from,
        );
      const logits = r.logits as Float32Array;
      for (let t = from + 1; t <= Math.min(to, T - 1); t++)
        out[t] = logSoftmaxAt(logits.subarray((t - 1 - from) * V, (t - from) * V), prompt.ids[t]);
    }
    return out;
  }

  /**
   * A prompt's decoder inputs, made once (its images through the vision tower, its rotary tables); `slice(from, to)`
   * gives the feeds of positions [from, to).
   */
  private async promptInputs(prompt: {
    ids: readonly number[];
    images: readonly PolicyImage[];
    positions: Positions3;
  }) {
    const c = this.config;
    const T = prompt.ids.length;
    const hd = c.headDim;
    // 0 for a text token, 1 + its image-feature row for an <|image_pad|> (rows in order of appearance)
    const imageIndex = new BigInt64Array(T);
    let row = 0;
    prompt.ids.forEach((id, t) => {
      if (id === c.tokens.image_token_id) imageIndex[t] = BigInt(++row);
    });
    const embeds = row > 0 ? await this.imageEmbeds(prompt.images) : undefined;
    const rope = decoderRotary(prompt.positions.ids, T, c);
    const ids = BigInt64Array.from(prompt.ids, BigInt);
    return {
      slice: (from: number, to: number): Record<string, TensorData> => ({
        input_ids: ids.subarray(from, to),
        rope_cos: rope.cos.subarray(from * hd, to * hd),
        rope_sin: rope.sin.subarray(from * hd, to * hd),
        image_index: imageIndex.subarray(from, to),
        ...(embeds ? { image_embeds: embeds } : {}),
      }),
    };
  }

  /**
   * Continues sequences together: each row's prompt is prefilled on its own (its own length and images), then the
   * rows decode in one batch against a host KV cache (one token per row per step crosses the bus, never the cache).
   * `choose(row, logits)` picks a row's next token from its logits [V] (the first from its prefill) or returns null
   * to finish that row.
   */
  async continueBatch(
    prompts: readonly { ids: readonly number[]; images: readonly PolicyImage[]; positions: Positions3 }[],
    maxNewTokens: number,
    choose: (row: number, logits: Float32Array) => number | null,
    logitsLast = 1,
  ): Promise<{ prefillLogits: Float32Array[]; prefillMs: number; decodeMs: number; steps: number }> {
    const c = this.config;
    const V = c.text.vocab_size;
    const L = c.text.num_hidden_layers;
    const B = prompts.length;
    const longest = Math.max(0, ...prompts.map((p) => p.ids.length));
    if (longest + maxNewTokens > c.text.max_position_embeddings)
      throw new Error(
        `prompt + new tokens = ${longest + maxNewTokens} exceeds max_position_embeddings (${c.text.max_position_embeddings})`,
      );
    const cache =
      maxNewTokens > 1
        ? new KvCache(L, B, c.text.num_key_value_heads, bucket(longest + maxNewTokens), c.headDim, 0)
        : undefined;
    const next: (number | null)[] = [];
    const prefillLogits: Float32Array[] = [];
    const t0 = performance.now();
    for (const [b, prompt] of prompts.entries()) {
      const pre = await this.prefill(prompt, Math.max(1, logitsLast), cache !== undefined);
      prefillLogits.push(pre.logits);
      if (cache) cache.appendRow(b, pre.keys, pre.values, prompt.ids.length);
      next.push(maxNewTokens > 0 ? choose(b, pre.logits.subarray(pre.logits.length - V)) : null);
    }
    const prefillMs = performance.now() - t0;
    const t1 = performance.now();
    let steps = 0;
    if (cache) {
      const hd = c.headDim;
      for (let step = 1; step < maxNewTokens && next.some((t) => t !== null); step++) {
        const ids = new BigInt64Array(B);
        const cos = new Float32Array(B * hd);
        const sin = new Float32Array(B * hd);
        prompts.forEach((p, b) => {
          ids[b] = BigInt(next[b] ?? 0);
          const position = p.positions.next + step - 1;
          const rope = decoderRotary(Int32Array.of(position, position, position), 1, c);
          cos.set(rope.cos, b * hd);
          sin.set(rope.sin, b * hd);
        });
        const r = await this.runDecoder(
          {
            input_ids: ids,
            rope_cos: cos,
            rope_sin: sin,
            logits_index: range(0, 1),
            past_mask: cache.keyMask(),
            ...cache.feeds(pastName),
          },
          B,
          true,
        );
        steps++;
        const active = next.map((t) => t !== null);
        cache.append(
          Array.from({ length: L }, (_, l) => r[presentName('k', l)]),
          Array.from({ length: L }, (_, l) => r[presentName('v', l)]),
          1,
          { rows: active },
        );
        const logits = r.logits as Float32Array;
        for (let b = 0; b < B; b++) if (active[b]) next[b] = choose(b, logits.subarray(b * V, (b + 1) * V));
      }
    }
    return { prefillLogits, prefillMs, decodeMs: performance.now() - t1, steps };
  }

  /**
   * One run of the decoder over `batch` rows. Feeds left out get their defaults: every new token real
   * (`attention_mask`), no image (one feature row that no token points at), an empty cache (one slot, masked out).
   * Fetches the new keys/values only when `cache`.
   */
  private async runDecoder(
    data: Record<string, TensorData>,
    batch: number,
    cache: boolean,
  ): Promise<Record<string, TensorData>> {
    const c = this.config;
    const B = batch;
    const T = data.input_ids.length / B;
    const L = c.text.num_hidden_layers;
    const Hkv = c.text.num_key_value_heads;
    const hd = c.headDim;
    const D = c.text.hidden_size;
    data.attention_mask ??= new BigInt64Array(B * T).fill(1n);
    data.image_index ??= new BigInt64Array(B * T);
    data.image_embeds ??= new Float32Array(D);
    if (!data.past_mask) {
      data.past_mask = new BigInt64Array(B);
      const empty = new Float32Array(B * Hkv * hd);
      for (let l = 0; l < L; l++) Object.assign(data, { [pastName('k', l)]: empty, [pastName('v', l)]: empty });
    }
    const S = data.past_mask.length / B;
    data.token_order = range(0, T);
    const session = await this.session('decoder', (P) => decoderGraph(P, c));
    const dims: Record<string, number[]> = {
      input_ids: [B, T],
      attention_mask: [B, T],
      token_order: [T],
      rope_cos: [B, T, hd],
      rope_sin: [B, T, hd],
      image_index: [B, T],
      image_embeds: [data.image_embeds.length / D, D],
      logits_index: [data.logits_index.length],
      past_mask: [B, S],
    };
    for (let l = 0; l < L; l++) dims[pastName('k', l)] = dims[pastName('v', l)] = [B, Hkv, S, hd];
    const fetch = ['logits'];
    if (cache) for (let l = 0; l < L; l++) fetch.push(presentName('k', l), presentName('v', l));
    return session.run(this.feeds(session, data), fetch, dims);
  }

  /** Greedy decoding of `maxNewTokens` tokens (no stop). */
  async greedy(
    prompt: PreparedPrompt,
    maxNewTokens: number,
    logitsLast = 1,
  ): Promise<{ tokens: number[]; logitsLast: Float32Array }> {
    const tokens: number[] = [];
    const pick = (_row: number, logits: Float32Array) => {
      tokens.push(argmax(logits));
      return tokens[tokens.length - 1];
    };
    const r = await this.continueBatch([prompt], maxNewTokens, pick, logitsLast);
    return { tokens, logitsLast: r.prefillLogits[0] };
  }

  /** What `searchlab model run` prints: the processor's and the model's view of one image and one prompt. */
  async probe(
    image: { bytes: Uint8Array; name: string } | undefined,
    prompt: string,
    options: { maxNewTokens?: number; logitsLast?: number } = {},
  ): Promise<ProbeResult> {
    const content: ChatPart[] = image
      ? [{ type: 'image' }, { type: 'text', text: prompt }]
      : [{ type: 'text', text: prompt }];
    const prepared = await this.prepare([{ role: 'user', content }], image ? [image] : []);
    const K = options.logitsLast ?? 1;
    const { tokens, logitsLast } = await this.greedy(prepared, options.maxNewTokens ?? 0, K);
    const V = this.config.text.vocab_size;
    const T = prepared.ids.length;
    const rows: number[][] = [];
    for (let k = 0; k < K; k++) rows.push(Array.from(logitsLast.subarray(k * V, (k + 1) * V)));
    return {
      input_ids: prepared.ids,
      image_grid_thw: prepared.images.map((i) => i.grid),
      position_ids: [0, 1, 2].map((s) => Array.from(prepared.positions.ids.subarray(s * T, (s + 1) * T))),
      logits_last: rows,
      greedy: tokens,
      text: this.folder.tokenizer.decode(tokens),
    };
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).release();
    this.sessions.clear();
  }
}

/** log softmax(logits)[token]. */
function logSoftmaxAt(logits: Float32Array, token: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += Math.exp(logits[i] - max);
  return logits[token] - max - Math.log(z);
}

function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
