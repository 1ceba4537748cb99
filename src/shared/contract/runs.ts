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

export const runMethods = {
  'runs.list': method('Training runs, newest first', NoParams, z.array(RunSummary)),
  'runs.get': method('One run with its config and checkpoints', z.object({ id: z.number().int() }).strict(), RunSummary.extend({ config: z.unknown(), checkpointList: z.array(z.object({ id: z.number().int(), step: z.number().int(), path: z.string() })) })),
  'runs.metrics': method("Every recorded metric of a run's steps", z.object({ id: z.number().int() }).strict(), z.array(RunMetricPoint)),
  'runs.create': method('Create a run from a config (validated) without starting it', z.object({ config: z.record(z.string(), z.unknown()) }).strict(), RunSummary),
};

export const RunJobParams = z.object({ runId: z.number().int().positive() }).strict();
