// When a generated row is finished: a stop token, a stop string in the decoded text (the text is cut just after
// it), or the token budget. Shared by every model family's generation loop.

import type { Generation } from './generate';

export interface StopRules {
  stopIds: ReadonlySet<number>;
  stops: readonly string[];
  maxNewTokens: number;
  decode(ids: readonly number[]): string;
}

/** Appends a sampled token to a row; returns true when the row is finished. */
export function acceptToken(generation: Generation, token: number, logprob: number, rules: StopRules): boolean {
  generation.tokens.push(token);
  generation.logprobs.push(logprob);
  if (rules.stopIds.has(token)) {
    generation.finish = 'eos';
    return true;
  }
  if (rules.stops.length) {
    const text = rules.decode(generation.tokens);
    for (const s of rules.stops) {
      const at = text.indexOf(s, Math.max(0, generation.text.length - s.length));
      if (at >= 0) {
        generation.finish = 'stop';
        generation.stop = s;
        generation.text = text.slice(0, at + s.length);
        return true;
      }
    }
    generation.text = text;
  }
  return generation.tokens.length >= rules.maxNewTokens;
}
