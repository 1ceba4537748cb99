// The tiny model's tokenizer: byte-level BPE in Hugging Face tokenizer.json form (GPT-2 byte alphabet, optional
// merges learned from a corpus), with Qwen-style special tokens and the search protocol's tags as single added
// tokens. SearchLab builds the file; @huggingface/tokenizers reads it back like any HF tokenizer.

import { Tokenizer } from '@huggingface/tokenizers';
import { maxOf } from '../../platform/arrays';

export const SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|image_pad|>',
] as const;

/** The protocol's tags (DESIGN.md): one token each, so stop strings end on a token boundary. */
export const PROTOCOL_TOKENS = [
  '<reason>',
  '</reason>',
  '<search>',
  '</search>',
  '<img>',
  '<text_search>',
  '</text_search>',
  '<answer>',
  '</answer>',
  '<information>',
  '</information>',
] as const;

export const CHAT_TEMPLATE =
  "{% for message in messages %}<|im_start|>{{ message['role'] }}\n" +
  "{% if message['content'] is string %}{{ message['content'] }}{% else %}{% for part in message['content'] %}" +
  "{% if part['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>{% else %}{{ part['text'] }}{% endif %}" +
  '{% endfor %}{% endif %}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

/** GPT-2's reversible byte → printable-character map. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map: string[] = new Array(256);
  for (const b of bs) map[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCharCode(256 + n++);
  return map;
}

const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Learns up to `count` BPE merges from a corpus (plain counting; fine for a few MB of text). */
export function learnMerges(corpus: readonly string[], count: number): [string, string][] {
  const byteMap = bytesToUnicode();
  const enc = new TextEncoder();
  const added = new RegExp(
    [...SPECIAL_TOKENS, ...PROTOCOL_TOKENS].map((t) => t.replace(/[|<>/]/g, (c) => `\\${c}`)).join('|'),
    'g',
  );
  const words = new Map<string, number>();
  for (const doc of corpus)
    for (const chunk of doc.split(added))
      for (const piece of chunk.match(PRETOKENIZE) ?? []) {
        const w = Array.from(enc.encode(piece), (b) => byteMap[b]).join('\u0000');
        words.set(w, (words.get(w) ?? 0) + 1);
      }
  let seqs = [...words].map(([w, n]) => ({ syms: w.split('\u0000'), n }));
  const merges: [string, string][] = [];
  for (let k = 0; k < count; k++) {
    const pairs = new Map<string, number>();
    for (const { syms, n } of seqs)
      for (let i = 0; i + 1 < syms.length; i++) {
        const key = `${syms[i]}\u0000${syms[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    let best = '';
    let bestN = 1; // a pair must occur at least twice to be worth a token
    for (const [key, n] of pairs) if (n > bestN || (n === bestN && best && key < best)) [best, bestN] = [key, n];
    if (!best) break;
    const [a, b] = best.split('\u0000');
    merges.push([a, b]);
    seqs = seqs.map(({ syms, n }) => {
      const out: string[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (i + 1 < syms.length && syms[i] === a && syms[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(syms[i]);
      }
      return { syms: out, n };
    });
  }
  return merges;
}

export interface TokenizerFiles {
  /** tokenizer.json */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json */
  config: Record<string, unknown>;
}

/** Builds tokenizer.json + tokenizer_config.json: 256 byte tokens, merges, then special and protocol tokens. */
export function buildTokenizer(options: { corpus?: readonly string[]; merges?: number } = {}): TokenizerFiles {
  const byteMap = bytesToUnicode();
  const vocab: Record<string, number> = {};
  byteMap.forEach((ch, b) => (vocab[ch] = b));
  const merges = options.corpus && options.merges ? learnMerges(options.corpus, options.merges) : [];
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = Object.keys(vocab).length;
  let next = Object.keys(vocab).length;
  const added = [
    ...SPECIAL_TOKENS.map((t) => [t, true] as const),
    ...PROTOCOL_TOKENS.map((t) => [t, false] as const),
  ].map(([content, special]) => {
    const id = next++;
    vocab[content] = id;
    return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
  });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: 8192,
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: null,
    add_bos_token: false,
    clean_up_tokenization_spaces: false,
    chat_template: CHAT_TEMPLATE,
  };
  return { tokenizer, config };
}

/** A loaded tokenizer with the ids the model needs. */
export class TextTokenizer {
  readonly hf: Tokenizer;
  readonly vocabSize: number;
  readonly ids: {
    pad: number;
    imStart: number;
    imEnd: number;
    visionStart: number;
    visionEnd: number;
    imagePad: number;
    eos: number;
  };

  constructor(readonly files: TokenizerFiles) {
    this.hf = new Tokenizer(files.tokenizer, files.config);
    const vocab = (files.tokenizer.model as { vocab: Record<string, number> }).vocab;
    this.vocabSize = maxOf(Object.values(vocab)) + 1;
    const id = (t: string) => {
      const v = this.hf.token_to_id(t);
      if (v === undefined) throw new Error(`tokenizer.json has no token ${t}`);
      return v;
    };
    this.ids = {
      pad: id('<|endoftext|>'),
      imStart: id('<|im_start|>'),
      imEnd: id('<|im_end|>'),
      visionStart: id('<|vision_start|>'),
      visionEnd: id('<|vision_end|>'),
      imagePad: id('<|image_pad|>'),
      eos: id('<|im_end|>'),
    };
  }

  encode(text: string): number[] {
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], skipSpecial = false): string {
    return this.hf.decode([...ids], { skip_special_tokens: skipSpecial, clean_up_tokenization_spaces: false });
  }

  tokenId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }
}
