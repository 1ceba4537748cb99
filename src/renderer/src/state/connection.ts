import { create } from 'zustand';
import type { SystemInfo } from '../../../shared/contract';
import { api } from '../api/client';
import { reportError } from './toasts';

interface ConnectionState {
  connected: boolean;
  info: SystemInfo | null;
  load(): Promise<void>;
}

export const useConnection = create<ConnectionState>((set) => ({
  connected: false,
  info: null,
  async load() {
    try {
      set({ info: await api.call('system.info', {}) });
    } catch (error) {
      reportError(error);
    }
  },
}));

api.onConnection((connected) => {
  useConnection.setState({ connected });
  if (connected) void useConnection.getState().load();
});
