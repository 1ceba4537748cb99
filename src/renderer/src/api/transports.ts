// The two ways the renderer reaches the engine. The client above them cannot tell which one it has.
import type { Transport } from '../../../shared/client';
import { BRIDGE_KEY, type SearchlabBridge } from '../../../shared/bridge';

/** Electron: window.searchlab from the preload script. */
export function ipcTransport(bridge: SearchlabBridge): Transport {
  const listeners = new Set<(raw: unknown) => void>();
  bridge.onEvent((message) => listeners.forEach((l) => l(message)));
  return {
    send(message) {
      void bridge.request(message).then(
        (reply) => listeners.forEach((l) => l(reply)),
        (error: Error) =>
          listeners.forEach((l) =>
            l({ type: 'response', id: message.id, ok: false, error: { code: 'failed', message: error.message } }),
          ),
      );
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      listener(true);
      return () => {};
    },
  };
}

/** Browser mode: a WebSocket to the page's own origin; the token travels as the HttpOnly cookie. Reconnects. */
export function webSocketTransport(url: string, onDrop: () => void): Transport {
  const listeners = new Set<(raw: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let connected = false;
  let retryMs = 250;

  const setConnected = (value: boolean) => {
    connected = value;
    connectionListeners.forEach((l) => l(value));
  };
  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setConnected(true);
      while (queue.length) ws.send(queue.shift()!);
    };
    ws.onmessage = (event) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(event.data));
      } catch {
        return;
      }
      listeners.forEach((l) => l(raw));
    };
    ws.onclose = () => {
      if (connected) onDrop();
      setConnected(false);
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();
  return {
    send(message) {
      const text = JSON.stringify(message);
      if (connected && socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connected);
      return () => connectionListeners.delete(listener);
    },
  };
}

export function bridgeFromWindow(): SearchlabBridge | undefined {
  return (window as unknown as Record<string, SearchlabBridge | undefined>)[BRIDGE_KEY];
}
