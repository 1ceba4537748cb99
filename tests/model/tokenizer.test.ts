import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { encodeWithImages } from '../../src/main/model/tiny/batch';
import {
  buildTokenizer,
  CHAT_TEMPLATE,
  learnMerges,
  PROTOCOL_TOKENS,
  TextTokenizer,
} from '../../src/main/model/tiny/tokenizer';
import { imageGeometry } from '../../src/main/model/tiny/config';
import { createTinyVlm } from '../../src/main/model/tiny/vlm';
describe('the tiny tokenizer (tokenizer.json read by @huggingface/tokenizers)', () => {
  const corpus = [
    'the capital of france is paris',
    'the capital of italy is rome',
    '<reason>the flag is red</reason><answer>paris</answer>',
  ];
  const tok = new TextTokenizer(buildTokenizer({ corpus, merges: 30 }));

  it('round-trips arbitrary text, including non-ASCII and the protocol tags', () => {
    for (const text of [
      'héllo wörld — 東京 🙂',
      '<reason>x</reason><text_search>eiffel tower height</text_search>',
      '  spaces\tand\nlines ',
    ]) {
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
  });

  it('keeps every protocol tag a single token', () => {
    for (const tag of PROTOCOL_TOKENS) {
      const ids = tok.encode(`a${tag}b`);
      expect(ids).toContain(tok.tokenId(tag));
      expect(ids).toHaveLength(3);
    }
  });

  it('learned merges shorten frequent words', () => {
    const plain = new TextTokenizer(buildTokenizer());
    expect(tok.encode(' capital').length).toBeLessThan(plain.encode(' capital').length);
    expect(learnMerges(corpus, 5)[0]).toEqual(expect.arrayContaining([expect.any(String), expect.any(String)]));
  });

  it('renders the chat template with one image and widens its pad to the image token count', () => {
    const model = createTinyVlm({
      tokenizer: buildTokenizer({ corpus, merges: 30 }),
      config: { vision_config: { image_size: 16, patch_size: 4 } },
    });
    const text = new Template(CHAT_TEMPLATE).render({
      messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which city is this?' }] }],
      add_generation_prompt: true,
    });
    expect(text).toBe(
      '<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Which city is this?<|im_end|>\n<|im_start|>assistant\n',
    );
    const ids = encodeWithImages(model.tokenizer, model.config, text);
    expect(ids.filter((i) => i === model.config.image_token_id)).toHaveLength(
      imageGeometry(model.config.vision_config).tokens,
    );
  });
});
