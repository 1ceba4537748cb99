// The renderer's one API client, over IPC in Electron or a WebSocket in browser mode.
import { ApiClient } from '../../../shared/client';
import { bridgeFromWindow, ipcTransport, webSocketTransport } from './transports';

function createClient(): ApiClient {
  const bridge = bridgeFromWindow();
  if (bridge) return new ApiClient(ipcTransport(bridge));
  // Relative to the page: the server keeps the app, the WebSocket and the images under its own path prefix
  // (/__searchlab/<port>/), the only path its token cookie is sent to.
  const url = new URL('api/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Drop the token from the address bar: the server set it as an HttpOnly cookie on the first load.
  if (new URLSearchParams(location.search).has('token'))
    history.replaceState(null, '', location.pathname + location.hash);
  let client: ApiClient | null = null;
  client = new ApiClient(webSocketTransport(url.href, () => client?.failPending('Lost the connection to the engine')));
  return client;
}

export const api = createClient();
export const transportKind: 'ipc' | 'websocket' = bridgeFromWindow() ? 'ipc' : 'websocket';
