import { Settings, settingsMethods } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';

export function settingsHandlers(ctx: EngineContext): HandlerGroup<keyof typeof settingsMethods> {
  const read = () => {
    // Stored values are re-validated: a value from an older version falls back to its default.
    const stored = ctx.store.repos.settings.all();
    const parsed = Settings.safeParse(stored);
    return parsed.success ? parsed.data : Settings.parse({});
  };
  return {
    'settings.get': read,
    'settings.update': (changes) => {
      ctx.store.repos.settings.setMany(changes);
      return read();
    },
  };
}
