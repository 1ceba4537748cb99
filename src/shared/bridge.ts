// What the preload script exposes to the renderer as window.searchlab in the Electron app: two functions
// that carry protocol messages, nothing else.
export interface SearchlabBridge {
  /** Sends one request message; resolves with the engine's response message. */
  request(message: unknown): Promise<unknown>;
  /** Engine events; returns an unsubscribe function. */
  onEvent(listener: (message: unknown) => void): () => void;
}

export const BRIDGE_KEY = 'searchlab';
export const IPC_REQUEST = 'searchlab:request';
export const IPC_EVENT = 'searchlab:event';
