// Batched generation with a KV cache kept on the host and passed to each decode step as an input only: the step
// returns logits and the new token's keys/values (a few KB), which the host writes into its cache. Returning the
// whole cache from every step costs an output copy per token (measured in docs/benchmarks.md).

import type { TensorData } from '../graph/tensor';
import { packBatch, type Sequence } from '../tiny/batch';
import { decodeGraph, decodeMultiGraph, kvName, pastName, prefillGraph } from '../tiny/graphs';
import { bucketLength, imageBucket, type Policy } from '../tiny/policy';
import { sampleToken, seededRandom, type SamplingOptions } from './sampling';
import { acceptToken } from './stops';
import { KvCache } from './kv-cache';

/** The protocol's closing tags: a turn ends when the model closes an action. */
export const PROTOCOL_STOPS = ['</search>', '</text_search>', '</answer>'];

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** A row finishes when its decoded text contains one of these; the text is cut just after it. */
  stop?: readonly string[];
  /** Token ids that finish a row (default: the tokenizer's <|im_end|> and <|endoftext|>). */
  stopTokenIds?: readonly number[];
  /**
   * Token ids never sampled (default: the image placeholder and the vision start/end markers, which only the
   * prompt builder may place). Reported log-probs stay those of the unrestricted distribution.
   */
  bannedTokenIds?: readonly number[];
  seed?: number;
  /** Prompt bucket (rounded up) so that sessions are reused: default 16. */
  bucket?: number;
  /**
   * Decode steps per onnxruntime run (default 1). Above 1, sampling happens inside the graph (Gumbel-max with
   * host-drawn noise), which supports temperature and greedy; top-k / top-p fall back to one step per run. Rows
   * that finish inside a run drop the run's remaining tokens.
   */
  tokensPerRun?: number;
}

export interface Generation {
  /** Generated token ids (including the stop token or the token that completed a stop string). */
  tokens: number[];
  /** One log-prob per generated token (see sampling.ts for its definition). */
  logprobs: number[];
  /** Decoded text of `tokens`, cut just after a matched stop string. */
  text: string;
  finish: 'stop' | 'eos' | 'length';
  /** The stop string that ended the row, if any. */
  stop?: string;
}

export interface GenerateStats {
  prefillMs: number;
  decodeMs: number;
  /** onnxruntime runs of the decode graph. */
  decodeSteps: number;
  tokens: number;
}

export async function generate(
  policy: Policy,
  prompts: readonly Sequence[],
  options: GenerateOptions,
): Promise<{ generations: Generation[]; stats: GenerateStats }> {
  const c = policy.model.config;
  const tok = policy.model.tokenizer;
  const B = prompts.length;
  if (B === 0) return { generations: [], stats: { prefillMs: 0, decodeMs: 0, decodeSteps: 0, tokens: 0 } };
  prompts.forEach((p, b) => {
    if (p.ids.length === 0) throw new Error(`prompt ${b} is empty: generation needs at least one prompt token`);
  });
  if (!(options.maxNewTokens >= 1)) throw new Error(`maxNewTokens must be at least 1, got ${options.maxNewTokens}`);
  const stopIds = new Set(options.stopTokenIds ?? [tok.ids.imEnd, tok.ids.pad]);
  const stops = options.stop ?? [];
  const banned = new Set(options.bannedTokenIds ?? [c.image_token_id, c.vision_start_token_id, c.vision_end_token_id]);
  const rand = seededRandom(options.seed ?? 0);
  // several tokens per run sample inside the graph, which supports temperature and greedy but not top-k / top-p
  const truncated = (options.topK ?? 0) > 0 || (options.topP ?? 1) < 1;
  const perRun = truncated ? 1 : Math.max(1, Math.floor(options.tokensPerRun ?? 1));
  const Tp = bucketLength(Math.max(...prompts.map((p) => p.ids.length)), options.bucket ?? 16);
  // a multi-token run may feed up to perRun − 1 tokens past the last kept one
  const longest = Math.max(...prompts.map((p) => p.ids.length)) + options.maxNewTokens + (perRun > 1 ? perRun - 1 : 0);
  if (longest > c.max_position_embeddings)
    throw new Error(
      `prompt + maxNewTokens = ${longest} tokens exceeds the model's max_position_embeddings (${c.max_position_embeddings})`,
    );
  const packed = packBatch(c, prompts, { length: Tp, padSide: 'left', images: imageBucket(prompts) });
  const N = packed.images;
  // cache slots: the prompt, every generated token but the last, and a run's overshoot
  const S = Tp + options.maxNewTokens + (perRun > 1 ? perRun : 0);
  const V = c.vocab_size;

  const t0 = performance.now();
  const prefill = await policy.session(`prefill:${B}x${Tp}x${N}`, (P) =>
    prefillGraph(P, c, { batch: B, length: Tp, images: N }),
  );
  const pre = await prefill.run(policy.feeds(prefill, packed.feeds));
  const prefillMs = performance.now() - t0;

  // host cache: [B, Hkv, S, hd] per layer, the padded prompt in slots [0, Tp) with its padding hidden, then one
  // key-mask column per token fed in a run (always visible)
  const cache = new KvCache(c.num_hidden_layers, B, c.num_key_value_heads, S, c.head_dim, perRun);
  const kvOutputs = (out: Record<string, TensorData>, kind: 'k' | 'v') =>
    Array.from({ length: c.num_hidden_layers }, (_, l) => out[kvName(kind, l)]);
  cache.append(kvOutputs(pre, 'k'), kvOutputs(pre, 'v'), Tp, { mask: packed.feeds.attention_mask });
  /** Appends the keys/values of the `count` tokens a decode run fed ([B, Hkv, count, hd] per layer). */
  const store = (out: Record<string, TensorData>, count: number) =>
    cache.append(kvOutputs(out, 'k'), kvOutputs(out, 'v'), count);

  const gens: Generation[] = prompts.map(() => ({ tokens: [], logprobs: [], text: '', finish: 'length' }));
  const done = new Array<boolean>(B).fill(false);
  const next = new BigInt64Array(B);
  const rules = {
    stopIds,
    stops,
    maxNewTokens: options.maxNewTokens,
    decode: (ids: readonly number[]) => tok.decode(ids),
  };
  const accept = (b: number, token: number, logprob: number) => {
    if (done[b]) return;
    next[b] = BigInt(token);
    done[b] = acceptToken(gens[b], token, logprob, rules);
  };
  const sampleRow = (logits: Float32Array, b: number) => {
    const { token, logprob } = sampleToken(logits.subarray(b * V, (b + 1) * V), options, rand, banned);
    accept(b, token, logprob);
  };
  for (let b = 0; b < B; b++) sampleRow(pre.logits as Float32Array, b);

  const ids = new BigInt64Array(B);
  const positions = new BigInt64Array(B);
  const promptLen = prompts.map((p) => p.ids.length);
  let runs = 0;
  let fed = 0; // tokens fed so far (= generated tokens whose keys/values are cached)
  const t1 = performance.now();
  if (perRun === 1) {
    const decode = await policy.session(`decode:${B}x${S}`, (P) =>
      decodeGraph(P, c, { batch: B, cache: S, maskWidth: S + perRun }),
    );
    while (fed < options.maxNewTokens - 1 && done.some((d) => !d)) {
      for (let b = 0; b < B; b++) {
        ids[b] = done[b] ? BigInt(c.pad_token_id) : next[b];
        positions[b] = BigInt(promptLen[b] + fed);
      }
      const out = await decode.run(
        policy.feeds(decode, {
          input_ids: ids,
          position_ids: positions,
          key_mask: cache.keyMask(),
          ...cache.feeds(pastName),
        }),
      );
      runs++;
      store(out, 1);
      fed++;
      for (let b = 0; b < B; b++) sampleRow(out.logits as Float32Array, b);
    }
  } else {
    const k = perRun;
    const bannedKey = [...banned].sort((x, y) => x - y).join(',');
    const decode = await policy.session(`decode${k}:${B}x${S}:ban=${bannedKey}`, (P) =>
      decodeMultiGraph(P, c, { batch: B, cache: S, steps: k, banned: [...banned] }),
    );
    const noise = new Float32Array(k * B * V).fill(0.5); // finite Gumbel noise even when greedy (0 · ∞ is NaN)
    const greedy = (options.temperature ?? 1) <= 0;
    const invT = Float32Array.of(greedy ? 1 : 1 / (options.temperature ?? 1));
    const scale = Float32Array.of(greedy ? 0 : 1);
    while (fed < options.maxNewTokens - 1 && done.some((d) => !d)) {
      for (let b = 0; b < B; b++) {
        ids[b] = done[b] ? BigInt(c.pad_token_id) : next[b];
        positions[b] = BigInt(promptLen[b] + fed);
      }
      if (!greedy) for (let i = 0; i < noise.length; i++) noise[i] = Math.min(Math.max(rand(), 1e-12), 0.9999999);
      const out = await decode.run(
        policy.feeds(decode, {
          input_ids: ids,
          position_ids: positions,
          key_mask: cache.keyMask(),
          noise,
          inv_temperature: invT,
          noise_scale: scale,
          ...cache.feeds(pastName),
        }),
      );
      runs++;
      store(out, k);
      fed += k;
      const toks = out.tokens as BigInt64Array;
      const lps = out.logprobs as Float32Array;
      for (let b = 0; b < B; b++) for (let j = 0; j < k; j++) accept(b, Number(toks[b * k + j]), lps[b * k + j]);
    }
  }
  const decodeMs = performance.now() - t1;
  for (const g of gens) if (g.finish !== 'stop') g.text = tok.decode(g.tokens);
  return {
    generations: gens,
    stats: { prefillMs, decodeMs, decodeSteps: runs, tokens: gens.reduce((n, g) => n + g.tokens.length, 0) },
  };
}
