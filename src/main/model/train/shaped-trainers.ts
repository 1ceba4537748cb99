// Trainers of one policy for several batch shapes. Graphs have static shapes, so each padded length (and image
// count, or patch count) needs its own training session; the sessions hand one set of parameters, Adam moments and
// step count from one to the next, so that they train one model while each batch pays only for its own shape.
import type { Trainer } from './trainer';

/** A training session for one batch shape. */
export interface ShapeTrainer {
  readonly trainer: Trainer;
  release(): Promise<void>;
}

export class ShapedTrainers<S, T extends ShapeTrainer> {
  private readonly trainers = new Map<string, Promise<T>>();
  private active: T | null = null;

  /**
   * `make` builds the session for a shape, `keyOf` names a shape. `optimizerState`: a file written by
   * Trainer.saveState, loaded into the first trainer (a resumed run). Beyond `maxKept` sessions the least recently
   * used is released (its state lives on in the one that took it over).
   */
  constructor(
    private readonly make: (shape: S) => Promise<T>,
    private readonly keyOf: (shape: S) => string,
    private readonly optimizerState: string | null = null,
    private readonly maxKept = Infinity,
  ) {}

  /** The trainer for batches of `shape`, holding the state the previous one left. */
  async for(shape: S): Promise<T> {
    const key = this.keyOf(shape);
    // re-inserted: Map order is the recency order
    const made = this.trainers.get(key) ?? this.make(shape);
    this.trainers.delete(key);
    this.trainers.set(key, made);
    let trainer: T;
    try {
      trainer = await made;
    } catch (error) {
      // a session that failed to build is not kept: the next batch of this shape tries again
      this.trainers.delete(key);
      throw error;
    }
    if (!this.active) {
      if (this.optimizerState) trainer.trainer.loadState(this.optimizerState);
    } else if (this.active !== trainer) trainer.trainer.adopt(this.active.trainer);
    this.active = trainer;
    while (this.trainers.size > this.maxKept) {
      const [oldest, victim] = this.trainers.entries().next().value as [string, Promise<T>];
      this.trainers.delete(oldest);
      await (await victim.catch(() => null))?.release();
    }
    return trainer;
  }

  /** The trainer that ran last (it holds the current parameters and optimizer state), if any has. */
  get current(): T | null {
    return this.active;
  }

  async release(): Promise<void> {
    for (const made of this.trainers.values()) await (await made.catch(() => null))?.release();
    this.trainers.clear();
    this.active = null;
  }
}
