import { z } from 'zod';
import { method, NoParams } from './define';

export const StorageStats = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  bytes: z.number(),
  counts: z.record(z.string(), z.number()),
});
export type StorageStats = z.infer<typeof StorageStats>;

export const storageMethods = {
  'storage.stats': method('Database file, schema version and row counts per table', NoParams, StorageStats),
};
