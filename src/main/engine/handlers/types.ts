import type { MethodName, Params, Result } from '../../../shared/contract';

export type Handler<M extends MethodName> = (params: Params<M>) => Promise<Result<M>> | Result<M>;
/** A concern's handlers: a subset of the contract's methods, each with exactly its contract types. */
export type HandlerGroup<K extends MethodName> = { [M in K]: Handler<M> };
export type Handlers = HandlerGroup<MethodName>;
