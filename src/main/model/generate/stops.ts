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
export function acceptToken(g: Generation, token: number, logprob: number, rules: StopRules): boolean {
  g.tokens.push(token);
  g.logprobs.push(logprob);
  if (rules.stopIds.has(token)) {
    g.finish = 'eos';
    return true;
  }
  if (rules.stops.length) {
    const text = rules.decode(g.tokens);
    for (const s of rules.stops) {
      const at = text.indexOf(s, Math.max(0, g.text.length - s.length));
      if (at >= 0) {
        g.finish = 'stop';
        g.stop = s;
        g.text = text.slice(0, at + s.length);
        return true;
      }
    }
    g.text = text;
  }
  return g.tokens.length >= rules.maxNewTokens;
}
