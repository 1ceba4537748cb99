// The probability a policy gives each action at a trajectory's decision points. A decision point is where a model
// turn closed its reasoning: right after `</reason>` (and any whitespace the turn wrote after it), the policy picks
// the action's opening tag. Each tag's probability is the product of its tokens' probabilities given the
// conversation so far (one forward pass per variant, all in one batch); the three need not sum to 1, since the
// policy may also write something else there.
import type { DecisionAction, DecisionProbabilities, DecisionProbability } from '../../../shared/contract';
import type { Store } from '../../storage';
import type { PolicyImage, PolicyModel } from '../../model';
import type { TextTokenizer } from '../../model';
import { storedImage } from '../rollout/search-tools';
import { checkpointPolicyModel } from '../train/checkpoint-run';
import { checkpointFor, checkpointLabel, loadStoredRollout } from './source';

const TAGS: Record<DecisionAction, string> = {
  image_search: '<search>',
  text_search: '<text_search>',
  answer: '<answer>',
};
const ACTIONS = Object.keys(TAGS) as DecisionAction[];

export interface DecisionPoint {
  turn: number;
  /** Where the action tag is (or would be): the conversation before it is the decision's context. */
  position: number;
  taken: DecisionAction | null;
  sampled: boolean;
}

/**
 * Decision points in a conversation's tokens: in the k-th assistant turn, the first token after its first
 * `</reason>` that is not whitespace. Tags are found in the decoded text, so a tokenizer that splits them into
 * several tokens (a published model's) finds the same points as one with single-token tags (the tiny VLM's).
 */
export function findDecisionPoints(
  tok: TextTokenizer,
  ids: readonly number[],
  lossMask: readonly number[],
): DecisionPoint[] {
  const header = tok.encode('<|im_start|>assistant\n');
  const out: DecisionPoint[] = [];
  let turn = 0;
  for (let i = 0; i + header.length <= ids.length; i++) {
    if (!header.every((h, j) => ids[i + j] === h)) continue;
    const start = i + header.length;
    let end = start;
    while (end < ids.length && ids[end] !== tok.ids.imEnd) end++;
    const pieces = ids.slice(start, end).map((id) => tok.decode([id]));
    // the token that completes the turn's first `</reason>`
    let text = '';
    let close = -1;
    for (let k = 0; k < pieces.length && close < 0; k++) if ((text += pieces[k]).includes('</reason>')) close = k;
    if (close >= 0) {
      let position = start + close + 1;
      while (position < end && pieces[position - start].trim() === '') position++;
      const next = pieces.slice(position - start, position - start + 8).join('');
      const taken = position < end ? (ACTIONS.find((a) => next.startsWith(TAGS[a])) ?? null) : null;
      out.push({ turn, position, taken, sampled: lossMask[position] === 1 });
    }
    turn++;
    i = end;
  }
  return out;
}

/** Each action tag's probability at each decision point, under `policy`. `images` are the conversation's, in order. */
export async function tagProbabilities(
  policy: PolicyModel,
  ids: readonly number[],
  images: readonly PolicyImage[],
  points: readonly DecisionPoint[],
): Promise<DecisionProbability[]> {
  if (points.length === 0) return [];
  const tok = policy.tokenizer;
  // A tag that is one token is scored whole. A tag split into several tokens is scored without its closing `>`,
  // which merges with what follows (`><img>`): the tokens that name the action are the decision.
  const tagIds = ACTIONS.map((a) => {
    const whole = tok.encode(TAGS[a]);
    return whole.length === 1 ? whole : tok.encode(TAGS[a].slice(0, -1));
  });
  const seqs = points.flatMap((p) => {
    const context = ids.slice(0, p.position);
    const imageCount = context.filter((id) => id === tok.ids.visionStart).length;
    return tagIds.map((tag) => ({ ids: [...context, ...tag], images: images.slice(0, imageCount) }));
  });
  const { logprobs } = await policy.logprobs(seqs);
  return points.map((p, k) => {
    const probabilities = Object.fromEntries(
      ACTIONS.map((action, a) => {
        const row = logprobs[k * ACTIONS.length + a];
        let lp = 0;
        for (let j = 0; j < tagIds[a].length; j++) lp += row[p.position + j];
        return [action, Math.min(1, Math.exp(lp))];
      }),
    ) as DecisionProbability['probabilities'];
    return { ...p, probabilities };
  });
}

/** A stored trajectory's decision points under a checkpoint (by default the one that generated it). */
export async function decisionProbabilities(
  store: Store,
  params: { trajectoryId: number; checkpointId?: number },
): Promise<DecisionProbabilities> {
  const stored = loadStoredRollout(store, params.trajectoryId);
  const checkpoint = checkpointFor(store, stored, params.checkpointId);
  const checkpointId = checkpoint.id;
  const policy = checkpointPolicyModel(store, checkpoint, { frozen: true });
  try {
    const { ids, lossMask } = stored.tokens;
    if (ids.some((id) => id >= policy.vocabSize))
      throw new Error(`Checkpoint ${checkpointId}'s vocabulary does not cover this trajectory's tokens`);
    const points = findDecisionPoints(policy.tokenizer, ids, lossMask);
    // The conversation's images in order: the question's, then each tool call's thumbnails.
    const shas = stored.turns.flatMap((t) => (t.toolResult as { images?: string[] } | null)?.images ?? []);
    const images = [
      await policy.prepareImage(stored.sample.image),
      ...(await Promise.all(shas.map((sha) => policy.prepareImage(storedImage(store, sha))))),
    ];
    return {
      trajectoryId: stored.id,
      checkpointId,
      checkpointLabel: checkpointLabel(store, checkpointId),
      decisions: await tagProbabilities(policy, ids, images, points),
    };
  } finally {
    await policy.release();
  }
}
