// What a job kind is: a title for its parameters and a run function that reports progress, checks for
// cancellation between units of work, and commits its work in transactions as it goes (so a crash loses
// only the unit in flight).
import type { z } from 'zod';
import type { Store } from '../storage';
import type { Logger } from '../platform/log';

export interface JobContext {
  jobId: number;
  home: string;
  store: Store;
  log: Logger;
  /** Report progress; cheap to call often (the manager throttles what it stores and sends). */
  progress(done: number, total?: number | null, message?: string | null): void;
  /** True once the user asked to cancel; check between units of work. */
  cancelled(): boolean;
  /** Throws JobCancelled if the user asked to cancel. */
  throwIfCancelled(): void;
}

export class JobCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'JobCancelled';
  }
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  kind: string;
  params: S;
  title(params: z.output<S>): string;
  /**
   * What the job changes that no other job may change at the same time (for example `run 5`): a job is refused
   * while an unfinished job, in this process or any other, holds the same thing.
   */
  holds?(params: z.output<S>): string;
  run(ctx: JobContext, params: z.output<S>): Promise<unknown>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}
