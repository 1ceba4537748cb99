// Which of the GRPO run's checkpoints the demo evaluates. One run's unfamiliar search ratio moves by several points
// from one checkpoint to the next (docs/demo-world.md, "Choosing the checkpoint"), so the demo keeps a checkpoint
// every ten steps and, of those from three quarters of the run on, takes the one whose knowledge statement holds best
// for species it never met: the share of never-shown look-alike pictures (emblems no species wears, each one trait
// from a familiar species; gates.ts) whose first turn says "not seen". Those pictures are drawn from the world, not
// from the test questions, which are never looked at. A tie goes to the later checkpoint.
import { Policy, TinyPolicyModel } from '../../model';
import { readState } from '../../rl';
import type { RolloutTools } from '../../rl';
import type { World } from '../world/types';
import { measureUnseenLookalikes, unseenLookalikeSamples } from './gates';

/** Never-shown look-alike pictures each candidate is asked about. */
export const CHOICE_PICTURES = 48;

export interface CheckpointCandidate {
  id: number;
  step: number;
  path: string;
}

export interface CheckpointChoice<C> {
  chosen: C;
  /** Each candidate's share of never-shown look-alikes called "not seen". */
  measured: { step: number; unseenLookalikes: number }[];
}

/** The candidates: checkpoints from three quarters of the run on (all of them when none is). */
export function choiceCandidates<C extends { step: number }>(checkpoints: readonly C[], lastStep: number): C[] {
  const late = checkpoints.filter((c) => c.step >= Math.ceil((3 * lastStep) / 4) && c.step <= lastStep);
  return late.length ? late : [...checkpoints];
}

/** The candidate with the highest share; the later one on a tie. */
export function pickCheckpoint<C extends { step: number }>(measured: readonly { candidate: C; share: number }[]): C {
  if (!measured.length) throw new Error('no checkpoint to choose from');
  return [...measured].sort((a, b) => b.share - a.share || b.candidate.step - a.candidate.step)[0].candidate;
}

export async function chooseCheckpoint<C extends CheckpointCandidate>(
  checkpoints: readonly C[],
  lastStep: number,
  world: World,
  options: { seed: number; tools: RolloutTools; threads: number },
): Promise<CheckpointChoice<C>> {
  const candidates = choiceCandidates(checkpoints, lastStep);
  const pictures = await unseenLookalikeSamples(world, CHOICE_PICTURES, options.seed);
  const measured: { candidate: C; share: number }[] = [];
  for (const candidate of candidates) {
    const policy = new Policy(readState(candidate.path).model, { device: 'auto', threads: options.threads });
    try {
      measured.push({
        candidate,
        share: await measureUnseenLookalikes(new TinyPolicyModel(policy), pictures, options.tools),
      });
    } finally {
      await policy.release();
    }
  }
  return {
    chosen: pickCheckpoint(measured),
    measured: measured.map((m) => ({ step: m.candidate.step, unseenLookalikes: m.share })),
  };
}
