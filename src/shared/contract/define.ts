// Building blocks of the API contract: a method is a params schema and a result schema, an event is a
// data schema. Both sides validate with the same schemas, so a type exists once, at runtime and compile time.
import { z } from 'zod';

export interface MethodDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** One line for the help text and the docs. */
  summary: string;
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  summary: string,
  params: P,
  result: R,
): MethodDef<P, R> {
  return { params, result, summary };
}

export const NoParams = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });
