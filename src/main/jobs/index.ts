// Jobs' public surface: the manager the engine runs them with, and what a job kind is made of (the kinds
// themselves are listed in kinds/index.ts).
export { JobManager, type JobManagerOptions } from './manager';
export { defineJob, JobCancelled, type JobContext, type JobDefinition } from './kind';
