// Choosing the next token from one row of logits: temperature, top-k, top-p (nucleus), or greedy, never a banned
// token. The log-prob reported is that of the chosen token under the temperature-scaled full distribution (before
// top-k/top-p truncation and bans), the quantity a policy-gradient loss recomputes; greedy reports it at T = 1.

export interface SamplingOptions {
  /** 0: greedy. Default 1. */
  temperature?: number;
  /** Keep the smallest set of tokens whose probability reaches top_p (1: off). */
  topP?: number;
  /** Keep the k most likely tokens (0: off). */
  topK?: number;
}

/** Token ids that are never sampled (e.g. the image placeholder); like top-k/top-p, a truncation of the sampler. */
export type BannedTokens = ReadonlySet<number>;

export function sampleToken(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  rand: () => number,
  banned: BannedTokens = new Set(),
): { token: number; logprob: number } {
  const V = logits.length;
  const t = options.temperature ?? 1;
  const temp = t > 0 ? t : 1;
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[i] > max) max = logits[i];
  const scaled = new Float64Array(V);
  let z = 0;
  for (let i = 0; i < V; i++) {
    scaled[i] = (logits[i] - max) / temp;
    z += Math.exp(scaled[i]);
  }
  const logZ = Math.log(z);
  const logprobOf = (k: number) => scaled[k] - logZ;
  if (t <= 0) {
    let best = -1;
    for (let i = 0; i < V; i++) if (!banned.has(i) && (best < 0 || logits[i] > logits[best])) best = i;
    return { token: best, logprob: logprobOf(best) };
  }
  let allowedZ = z;
  for (const b of banned) if (b < V) allowedZ -= Math.exp(scaled[b]);
  const topK = options.topK && options.topK > 0 ? Math.min(options.topK, V) : V;
  const topP = options.topP ?? 1;
  if (topK >= V && topP >= 1) {
    // plain sampling: walk the unnormalised probabilities once
    let r = rand() * allowedZ;
    let last = 0;
    for (let i = 0; i < V; i++) {
      if (banned.has(i)) continue;
      last = i;
      r -= Math.exp(scaled[i]);
      if (r <= 0) return { token: i, logprob: logprobOf(i) };
    }
    return { token: last, logprob: logprobOf(last) };
  }
  let candidates: number[];
  {
    candidates = Array.from({ length: V }, (_, i) => i)
      .filter((i) => !banned.has(i))
      .sort((a, b) => scaled[b] - scaled[a])
      .slice(0, topK);
    if (topP < 1) {
      let mass = 0;
      let keep = 0;
      for (const k of candidates) {
        mass += Math.exp(logprobOf(k));
        keep++;
        if (mass >= topP) break;
      }
      candidates = candidates.slice(0, keep);
    }
  }
  let total = 0;
  for (const k of candidates) total += Math.exp(scaled[k]);
  let r = rand() * total;
  for (const k of candidates) {
    r -= Math.exp(scaled[k]);
    if (r <= 0) return { token: k, logprob: logprobOf(k) };
  }
  const last = candidates[candidates.length - 1];
  return { token: last, logprob: logprobOf(last) };
}

export { seededRandom } from '../../platform/random';
