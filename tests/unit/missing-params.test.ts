// A request without params is checked against the method's own params, so the error names what is missing
// (zod's "expected nonoptional" never reaches the user).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, describeZodError, parseRequest } from '../../src/shared/protocol';

describe('missing params', () => {
  it('are the empty params of the method, and a missing field is named', () => {
    expect(parseRequest({ type: 'request', id: 1, method: 'system.info' })).toMatchObject({
      id: 1,
      method: 'system.info',
    });
    let error: unknown;
    try {
      parseRequest({ type: 'request', id: 2, method: 'reward.check' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid_params');
    expect((error as ApiError).message).toBe(
      'Invalid params for reward.check: params.spec: Invalid input: expected object, received undefined',
    );
    expect((error as ApiError).message).not.toMatch(/nonoptional/);
  });

  it('says "is required but missing" where zod says "expected nonoptional"', () => {
    const result = z.object({ a: z.unknown().nonoptional() }).safeParse({});
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toBe('params.a: is required but missing');
  });
});
