// The demo's choice of the checkpoint it evaluates: of those from three quarters of the run on, the one that says
// "not seen" of the most never-shown look-alikes, the later one on a tie.
import { describe, expect, it } from 'vitest';
import { choiceCandidates, pickCheckpoint } from '../../src/main/demo/pipeline/choose';

const at = (...steps: number[]) => steps.map((step) => ({ step }));

describe('choosing the checkpoint the demo evaluates', () => {
  it('takes the checkpoints from three quarters of the run on', () => {
    expect(choiceCandidates(at(10, 20, 30, 40), 40)).toEqual(at(30, 40));
    expect(choiceCandidates(at(10, 20, 30, 40, 50, 60, 70, 80), 80)).toEqual(at(60, 70, 80));
    // a short run's only checkpoint, and none beyond the steps run
    expect(choiceCandidates(at(2), 2)).toEqual(at(2));
    expect(choiceCandidates(at(10, 20, 30), 20)).toEqual(at(20));
  });

  it('picks the highest share of "not seen", and the later checkpoint on a tie', () => {
    const [thirty, forty] = at(30, 40);
    expect(
      pickCheckpoint([
        { candidate: thirty, share: 0.88 },
        { candidate: forty, share: 0.67 },
      ]),
    ).toBe(thirty);
    expect(
      pickCheckpoint([
        { candidate: thirty, share: 0.58 },
        { candidate: forty, share: 0.58 },
      ]),
    ).toBe(forty);
    expect(
      pickCheckpoint([
        { candidate: forty, share: 0.6 },
        { candidate: thirty, share: 0.6 },
      ]),
    ).toBe(forty);
    expect(() => pickCheckpoint([])).toThrow(/no checkpoint/);
  });
});
