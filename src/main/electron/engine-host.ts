// The engine's process in the Electron app (an Electron utility process): the same Engine as browser mode
// and the CLI, speaking the protocol over the parent port instead of a WebSocket.
import { Engine } from '../engine';
import { resolveHome } from '../platform/home';
import { startDemoOnFirstLaunch } from '../demo/first-launch';
import type { HostMessage, HostReply } from './host-messages';

const homeFlag = process.argv.indexOf('--home');
const home = resolveHome(homeFlag >= 0 ? process.argv[homeFlag + 1] : undefined);
const engine = Engine.open({ home, face: 'electron' });
const port = process.parentPort;

engine.subscribe((event) => port.postMessage({ kind: 'event', event } satisfies HostReply));
port.on('message', async ({ data }: { data: HostMessage }) => {
  const reply = await engine.handle(data.request);
  port.postMessage({ kind: 'reply', ticket: data.ticket, reply } satisfies HostReply);
});
port.postMessage({ kind: 'ready', home } satisfies HostReply);
void startDemoOnFirstLaunch(engine);
// Quitting the app (the bridge's kill is SIGTERM) stops the jobs too: each runs in its own process, which would
// otherwise go on alone. A crash of this process leaves them running, and the restarted engine follows them.
process.once('SIGTERM', () => void engine.close().finally(() => process.exit(0)));
