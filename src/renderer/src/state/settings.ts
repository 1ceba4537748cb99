import { create } from 'zustand';
import type { Settings } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from './toasts';

interface SettingsState {
  settings: Settings | null;
  load(): Promise<void>;
  update(changes: Partial<Settings>): Promise<void>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  async load() {
    try {
      set({ settings: await api.call('settings.get', {}) });
    } catch (error) {
      reportError(error);
    }
  },
  async update(changes) {
    try {
      set({ settings: await api.call('settings.update', changes) });
    } catch (error) {
      reportError(error);
    }
  },
}));

api.onConnection((connected) => connected && void useSettings.getState().load());
