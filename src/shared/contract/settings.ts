import { z } from 'zod';
import { method, NoParams } from './define';

export const Theme = z.enum(['light', 'dark', 'system']);

/** User settings that are not secrets. Secrets (API keys) have their own store and never cross to the renderer. */
export const Settings = z.object({
  theme: Theme.default('system'),
  annotator: z.string().max(100).default(''),
});
export type Settings = z.infer<typeof Settings>;

export const settingsMethods = {
  'settings.get': method('All settings', NoParams, Settings),
  'settings.update': method('Change some settings', Settings.partial().strict(), Settings),
};
