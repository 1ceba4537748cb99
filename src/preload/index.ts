// The only bridge between the sandboxed renderer and the app: two functions that carry protocol messages.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, IPC_EVENT, IPC_REQUEST, type SearchlabBridge } from '../shared/bridge';

const bridge: SearchlabBridge = {
  request: (message) => ipcRenderer.invoke(IPC_REQUEST, message),
  onEvent: (listener) => {
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
