import type { EventMessage, ResponseMessage } from '../../shared/protocol';

/** Main → engine host: one request, with a ticket so main can route the reply to the right window call. */
export interface HostMessage {
  ticket: number;
  request: unknown;
}

/** Engine host → main. */
export type HostReply =
  | { kind: 'ready'; home: string }
  | { kind: 'reply'; ticket: number; reply: ResponseMessage }
  | { kind: 'event'; event: EventMessage };
