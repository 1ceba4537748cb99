// Supervises the engine's utility process: forwards requests, routes replies, restarts it if it dies.
import { utilityProcess, type UtilityProcess } from 'electron';
import path from 'node:path';
import type { EventMessage, ResponseMessage } from '../../shared/protocol';
import type { HostMessage, HostReply } from './host-messages';
import { logger } from '../platform/log';
import { secretsDataKey } from './secrets-key';
import { SECRETS_KEY_VAR } from '../search';
const log = logger('electron');

export class EngineBridge {
  private child: UtilityProcess | null = null;
  private nextTicket = 1;
  private readonly pending = new Map<number, (reply: ResponseMessage) => void>();
  private stopping = false;

  constructor(
    private readonly home: string,
    private readonly onEvent: (event: EventMessage) => void,
  ) {}

  start(): void {
    const dataKey = secretsDataKey(this.home);
    const env = { ...process.env, ...(dataKey ? { [SECRETS_KEY_VAR]: dataKey } : {}) };
    const child = utilityProcess.fork(path.join(import.meta.dirname, 'engine-host.js'), ['--home', this.home], {
      serviceName: 'SearchLab engine',
      env,
    });
    this.child = child;
    child.on('message', (message: HostReply) => {
      if (message.kind === 'reply') {
        this.pending.get(message.ticket)?.(message.reply);
        this.pending.delete(message.ticket);
      } else if (message.kind === 'event') this.onEvent(message.event);
      else log.info(`engine ready on ${message.home}`);
    });
    child.on('exit', (code) => {
      this.child = null;
      for (const [ticket, resolve] of this.pending) {
        resolve({
          type: 'response',
          id: -1,
          ok: false,
          error: { code: 'failed', message: `The engine stopped (code ${code}); it is being restarted` },
        });
        this.pending.delete(ticket);
      }
      if (!this.stopping) {
        log.warn(`engine exited with code ${code}; restarting`);
        setTimeout(() => this.start(), 1000);
      }
    });
  }

  request(request: unknown): Promise<ResponseMessage> {
    const child = this.child;
    if (!child)
      return Promise.resolve({
        type: 'response',
        id: -1,
        ok: false,
        error: { code: 'failed', message: 'The engine is not running' },
      });
    const ticket = this.nextTicket++;
    return new Promise((resolve) => {
      this.pending.set(ticket, (reply) => resolve({ ...reply, id: (request as { id?: number }).id ?? reply.id }));
      child.postMessage({ ticket, request } satisfies HostMessage);
    });
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill();
  }
}
