// Trainers of one policy for several batch shapes. Graphs have static shapes, so each padded length (and image
// count) needs its own training session; the sessions hand one set of parameters, Adam moments and step count
// from one to the next, so that they train one model while each batch pays only for its own length.
import type { BatchShape } from './graphs';
import type { Policy, PolicyTrainer, PolicyTrainerOptions } from './policy';
export class ShapedTrainers {
  private readonly trainers = new Map<string, Promise<PolicyTrainer>>();
  private current: PolicyTrainer | null = null;

  /** `optimizerState`: a file written by Trainer.saveState, loaded into the first trainer (a resumed run). */
  constructor(
    private readonly policy: Policy,
    private readonly options: Omit<PolicyTrainerOptions, 'shape'>,
    private readonly optimizerState: string | null = null,
  ) {}

  /** The trainer for batches of `shape`, holding the state the previous one left. */
  async for(shape: BatchShape): Promise<PolicyTrainer> {
    const key = `${shape.batch}x${shape.length}x${shape.images}`;
    let made = this.trainers.get(key);
    if (!made) {
      made = this.policy.trainer({ ...this.options, shape });
      this.trainers.set(key, made);
    }
    const trainer = await made;
    if (!this.current) {
      if (this.optimizerState) trainer.trainer.loadState(this.optimizerState);
    } else if (this.current !== trainer) trainer.trainer.adopt(this.current.trainer);
    this.current = trainer;
    return trainer;
  }

  async release(): Promise<void> {
    for (const made of this.trainers.values()) await (await made.catch(() => null))?.release();
    this.trainers.clear();
    this.current = null;
  }
}
