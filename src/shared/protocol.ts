// The envelope every transport carries (Electron IPC and WebSocket alike), and its validation.
import { z } from 'zod';
import { methods, events, type MethodName, type EventName } from './contract';

export const RequestMessage = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(200),
  // Absent params are the method's empty params (checked against its schema like any others).
  params: z.unknown().optional(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const ErrorCode = z.enum([
  'invalid_request',
  'unknown_method',
  'invalid_params',
  'not_found',
  'conflict',
  'failed',
  'unauthorized',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({ code: ErrorCode, message: z.string(), details: z.unknown().optional() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ResponseMessage = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: ErrorBody }),
]);
export type ResponseMessage = z.infer<typeof ResponseMessage>;

export const EventMessage = z.object({ type: z.literal('event'), event: z.string(), data: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

export const ServerMessage = z.union([ResponseMessage, EventMessage]);

/** An error that carries a protocol code to the caller. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** "params.limit: expected number, received string; params.kind: …" — short enough to show in a toast. */
/** zod's wording for a value that must be present ("expected nonoptional") in the user's words. */
const readableIssue = (message: string) => (/expected nonoptional/.test(message) ? 'is required but missing' : message);

export function describeZodError(error: z.ZodError, root = 'params'): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[root, ...issue.path.map(String)].join('.')}: ${readableIssue(issue.message)}`)
    .join('; ');
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** Validates a request's envelope and params; throws ApiError with what was wrong and where. */
export function parseRequest(raw: unknown): { id: number; method: MethodName; params: unknown } {
  const envelope = RequestMessage.safeParse(raw);
  if (!envelope.success)
    throw new ApiError('invalid_request', `Malformed request: ${describeZodError(envelope.error, 'message')}`);
  const { id, method, params } = envelope.data;
  if (!isMethodName(method)) throw new ApiError('unknown_method', `Unknown method "${method}"`, { id });
  const parsed = methods[method].params.safeParse(params ?? {});
  if (!parsed.success)
    throw new ApiError('invalid_params', `Invalid params for ${method}: ${describeZodError(parsed.error)}`, { id });
  return { id, method, params: parsed.data };
}
