// The one client every face uses. It does not know its transport (Electron IPC or WebSocket); it validates
// every reply and event against the contract before handing it on.
import {
  methods,
  events,
  type EventData,
  type EventName,
  type MethodName,
  type ParamsIn,
  type Result,
} from './contract';
import {
  ApiError,
  EventMessage,
  ResponseMessage,
  ServerMessage,
  describeZodError,
  isEventName,
  type RequestMessage,
} from './protocol';

export interface Transport {
  send(message: RequestMessage): void;
  /** Every message from the engine (responses and events). Returns an unsubscribe function. */
  onMessage(listener: (raw: unknown) => void): () => void;
  /** Whether the engine is reachable now; transports that cannot lose it report true once. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

interface Pending {
  method: MethodName;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ApiClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();

  constructor(private readonly transport: Transport) {
    transport.onMessage((raw) => this.receive(raw));
  }

  call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.transport.send({ type: 'request', id, method, params });
    });
  }

  /** Sends a message exactly as given (for tests and tools that probe the engine's validation). */
  callRaw(message: Omit<RequestMessage, 'id'> & { method: string }): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method: message.method as MethodName, resolve, reject });
      this.transport.send({ ...message, id });
    });
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (data: unknown) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (data: unknown) => void);
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    return this.transport.onConnection(listener);
  }

  /** Fails every call in flight (the transport lost the engine). */
  failPending(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new ApiError('failed', reason));
    }
  }

  private receive(raw: unknown): void {
    const message = ServerMessage.safeParse(raw);
    if (!message.success)
      return console.warn('Ignored a malformed message from the engine', describeZodError(message.error, 'message'));
    const data = message.data;
    if (data.type === 'event') return this.receiveEvent(data);
    this.receiveResponse(data);
  }

  private receiveEvent(message: EventMessage): void {
    if (!isEventName(message.event)) return;
    const parsed = events[message.event].safeParse(message.data);
    if (!parsed.success)
      return console.warn(`Ignored an invalid ${message.event} event`, describeZodError(parsed.error, 'data'));
    for (const listener of this.listeners.get(message.event) ?? []) listener(parsed.data);
  }

  private receiveResponse(message: ResponseMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (!message.ok)
      return pending.reject(new ApiError(message.error.code, message.error.message, message.error.details));
    const schema = methods[pending.method]?.result;
    if (!schema) return pending.resolve(message.result);
    const parsed = schema.safeParse(message.result);
    if (parsed.success) pending.resolve(parsed.data);
    else
      pending.reject(
        new ApiError('failed', `Invalid reply to ${pending.method}: ${describeZodError(parsed.error, 'result')}`),
      );
  }
}
