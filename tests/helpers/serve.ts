// Starts `searchlab serve` as a real child process, as a user would, and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface ServedEngine {
  url: string;
  origin: string;
  /** The path every token-guarded request lives under (`/__searchlab/<port>`); the token cookie's Path. */
  prefix: string;
  token: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function serve(home: string, extraArgs: string[] = []): Promise<ServedEngine> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'searchlab.mjs'),
      'serve',
      '--home',
      home,
      '--port',
      '0',
      ...(extraArgs.includes('--demo') ? extraArgs.filter((a) => a !== '--demo') : ['--no-demo', ...extraArgs]),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, SEARCHLAB_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in time:\n${output}`)), 30_000);
    const check = () => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\S*\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    prefix: parsed.pathname.replace(/\/$/, ''),
    token: parsed.searchParams.get('token')!,
    port: Number(parsed.port),
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A protocol connection over the real WebSocket, with a request helper and the events it received. */
export async function connect(engine: ServedEngine, options: { token?: string | null; origin?: string } = {}) {
  const token = options.token === undefined ? engine.token : options.token;
  const query = token === null ? '' : `?token=${token}`;
  const ws = new WebSocket(`ws://127.0.0.1:${engine.port}${engine.prefix}/api/ws${query}`, {
    origin: options.origin ?? engine.origin,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const events: { event: string; data: any }[] = [];
  const waiting = new Map<number, (reply: any) => void>();
  ws.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.type === 'event') events.push(message);
    else waiting.get(message.id)?.(message);
  });
  let nextId = 1;
  return {
    ws,
    events,
    /** Sends a raw message; resolves with the reply to the given id. */
    send(message: unknown, id: number): Promise<any> {
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(typeof message === 'string' ? message : JSON.stringify(message));
      });
    },
    request(method: string, params: unknown = {}): Promise<any> {
      const id = nextId++;
      return this.send({ type: 'request', id, method, params }, id);
    },
    close: () => ws.close(),
  };
}
