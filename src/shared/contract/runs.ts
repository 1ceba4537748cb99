import { z } from 'zod';
import { method, NoParams } from './define';

export const RunSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string(),
  status: z.string(),
  step: z.number().int(),
  steps: z.number().int().nullable(),
  checkpoints: z.number().int(),
  last: z.record(z.string(), z.number()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunMetricPoint = z.object({ step: z.number().int(), name: z.string(), value: z.number() });

/** One wrong field of a run config: its path (`grpo.lr`) and what is wrong with it. */
export const RunConfigIssue = z.object({ path: z.string(), message: z.string() });
export type RunConfigIssue = z.infer<typeof RunConfigIssue>;

const RawRunConfig = z.object({ config: z.record(z.string(), z.unknown()) }).strict();

/** What a run will take, before it starts (see rl/train/estimate.ts for how rough each figure is). */
export const RunEstimate = z.object({
  parameters: z.number().nullable(),
  /** Host or GPU memory a training step needs, and what the device has (null where not known). */
  trainingBytes: z.number().nullable(),
  deviceBytes: z.number().nullable(),
  device: z.string(),
  fits: z.boolean().nullable(),
  /** From steps this engine has timed with the same model; null before the first. */
  stepSeconds: z.number().nullable(),
  totalSeconds: z.number().nullable(),
  trajectoriesPerStep: z.number().int(),
  /** At most, over the whole run (within the budget). */
  searchCalls: z.number(),
  searchCost: z.number(),
  notes: z.array(z.string()),
});
export type RunEstimate = z.infer<typeof RunEstimate>;

const RunId = z.object({ id: z.number().int() }).strict();

export const runMethods = {
  'runs.list': method('Training runs, newest first', NoParams, z.array(RunSummary)),
  'runs.get': method(
    'One run with its config and checkpoints',
    z.object({ id: z.number().int() }).strict(),
    RunSummary.extend({
      config: z.unknown(),
      checkpointList: z.array(z.object({ id: z.number().int(), step: z.number().int(), path: z.string() })),
    }),
  ),
  'runs.metrics': method(
    "Every recorded metric of a run's steps",
    z.object({ id: z.number().int() }).strict(),
    z.array(RunMetricPoint),
  ),
  'runs.create': method('Create a run from a config (validated) without starting it', RawRunConfig, RunSummary),
  'runs.validate': method(
    'Check a run config as `searchlab train --config` would: every wrong field, and the config with its defaults filled in',
    RawRunConfig,
    z.object({ issues: z.array(RunConfigIssue), config: z.record(z.string(), z.unknown()).nullable() }),
  ),
  'runs.estimate': method('Memory, time and search calls a valid run config will take', RawRunConfig, RunEstimate),
  'runs.start': method(
    'Train a created or paused run from its last committed step (an rl.train job)',
    RunId,
    RunSummary,
  ),
  'runs.pause': method('Stop a training run after the step in flight; it can be resumed', RunId, RunSummary),
  'runs.cancel': method('Stop a run for good: it is marked cancelled and not resumed', RunId, RunSummary),
};

export const RunJobParams = z.object({ runId: z.number().int().positive() }).strict();
