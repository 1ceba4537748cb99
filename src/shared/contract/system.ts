import { z } from 'zod';
import { method, NoParams } from './define';

export const DeviceInfo = z.object({
  /** The execution provider sessions use: CUDA when it loaded, else CPU. */
  kind: z.enum(['cpu', 'cuda']),
  name: z.string(),
  /** Why CUDA is not in use, shown to the user (ORT does not fall back by itself). */
  notice: z.string().nullable(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

export const SystemInfo = z.object({
  version: z.string(),
  home: z.string(),
  face: z.enum(['electron', 'browser', 'cli']),
  schemaVersion: z.number().int(),
  device: DeviceInfo,
  node: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemMethods = {
  'system.info': method('Engine version, data folder, schema version and compute device', NoParams, SystemInfo),
  'system.ping': method(
    'Round trip check',
    z.object({ echo: z.string().max(1000).optional() }).strict(),
    z.object({ echo: z.string().optional(), at: z.number() }),
  ),
};
