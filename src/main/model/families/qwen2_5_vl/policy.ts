// Qwen2.5-VL behind the policy interface: images at their own resolution (patch grids), protocol tags as plain
// text (a turn stops on decoded text), sampling or greedy one row at a time against a host KV cache.

import type { Generation, GenerateOptions, GenerateStats } from '../../generate/generate';
import { sampleToken, seededRandom } from '../../generate/sampling';
import { acceptToken } from '../../generate/stops';
import type { PolicyImage, PolicyModel, PolicySequence } from '../../policy/types';
import type { Qwen25VlFolder } from './folder';
import { multimodalPositions } from './positions';
import { preprocessImageFile } from './preprocess';
import { Qwen25VlRuntime, type RuntimeOptions } from './runtime';

export class QwenPolicyModel implements PolicyModel {
  readonly family = 'qwen2.5-vl' as const;
  readonly runtime: Qwen25VlRuntime;

  constructor(
    readonly folder: Qwen25VlFolder,
    options: RuntimeOptions = {},
  ) {
    this.runtime = new Qwen25VlRuntime(folder, options);
  }

  get tokenizer() {
    return this.folder.tokenizer;
  }

  get maxPositions() {
    return this.folder.config.text.max_position_embeddings;
  }

  get vocabSize() {
    return this.folder.config.text.vocab_size;
  }

  private prefix?: string;

  /** What the folder's chat template renders before a conversation's first user turn (its default system prompt). */
  get chatPrefix(): string {
    if (this.prefix === undefined) {
      const rendered = this.runtime.render([{ role: 'user', content: '' }], false);
      const user = rendered.indexOf('<|im_start|>user');
      this.prefix = user > 0 ? rendered.slice(0, user) : '';
    }
    return this.prefix;
  }

  async prepareImage(bytes: Uint8Array, name = 'image'): Promise<PolicyImage> {
    const p = await preprocessImageFile(bytes, this.folder.preprocessor, name);
    return { pixels: p.pixels, grid: p.grid };
  }

  encode(text: string, images: readonly PolicyImage[]): number[] {
    return this.runtime.expandImagePads(text, images);
  }

  private positions(seq: PolicySequence) {
    return multimodalPositions(
      seq.ids,
      (seq.images ?? []).map((i) => i.grid!),
      this.folder.config,
    );
  }

  async generate(
    prompts: readonly PolicySequence[],
    options: GenerateOptions,
  ): Promise<{ generations: Generation[]; stats: GenerateStats }> {
    const c = this.folder.config;
    const tok = this.folder.tokenizer;
    const stopIds = new Set(options.stopTokenIds ?? this.folder.generation.eosTokenIds);
    const banned = new Set(
      options.bannedTokenIds ?? [c.tokens.image_token_id, c.tokens.vision_start_token_id, c.tokens.vision_end_token_id],
    );
    const rules = {
      stopIds,
      stops: options.stop ?? [],
      maxNewTokens: options.maxNewTokens,
      decode: (ids: readonly number[]) => tok.decode(ids),
    };
    const rand = seededRandom(options.seed ?? 0);
    const stats: GenerateStats = { prefillMs: 0, decodeMs: 0, decodeSteps: 0, tokens: 0 };
    prompts.forEach((p, b) => {
      if (p.ids.length === 0) throw new Error(`prompt ${b} is empty: generation needs at least one prompt token`);
    });
    const generations: Generation[] = prompts.map(() => ({ tokens: [], logprobs: [], text: '', finish: 'length' }));
    const choose = (row: number, logits: Float32Array) => {
      const { token, logprob } = sampleToken(logits, options, rand, banned);
      return acceptToken(generations[row], token, logprob, rules) ? null : token;
    };
    const prepared = prompts.map((p) => ({ ids: p.ids, images: p.images ?? [], positions: this.positions(p) }));
    const r = await this.runtime.continueBatch(prepared, options.maxNewTokens, choose);
    for (const g of generations) if (g.finish !== 'stop') g.text = tok.decode(g.tokens);
    stats.prefillMs = r.prefillMs;
    stats.decodeMs = r.decodeMs;
    stats.decodeSteps = r.steps;
    stats.tokens = generations.reduce((n, g) => n + g.tokens.length, 0);
    return { generations, stats };
  }

  async logprobs(seqs: readonly PolicySequence[]): Promise<{ logprobs: Float32Array[] }> {
    const out: Float32Array[] = [];
    for (const seq of seqs)
      out.push(
        await this.runtime.tokenLogprobs({ ids: seq.ids, images: seq.images ?? [], positions: this.positions(seq) }),
      );
    return { logprobs: out };
  }

  release() {
    return this.runtime.release();
  }
}
