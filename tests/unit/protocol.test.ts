import { describe, expect, it } from 'vitest';
import { ApiError, parseRequest } from '../../src/shared/protocol';

function rejection(raw: unknown): ApiError {
  try {
    parseRequest(raw);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('request validation', () => {
  it('accepts a well-formed request and fills in defaults', () => {
    const parsed = parseRequest({ type: 'request', id: 3, method: 'jobs.list', params: {} });
    expect(parsed).toEqual({ id: 3, method: 'jobs.list', params: { limit: 50 } });
  });

  it('rejects a message that is not a request envelope', () => {
    const error = rejection({ id: 'x', method: 7 });
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/message\.type/);
  });

  it('rejects an unknown method by name', () => {
    const error = rejection({ type: 'request', id: 1, method: 'db.dropEverything', params: {} });
    expect(error.code).toBe('unknown_method');
    expect(error.message).toContain('db.dropEverything');
  });

  it('names the field that has the wrong type', () => {
    const error = rejection({ type: 'request', id: 1, method: 'jobs.list', params: { limit: 'ten' } });
    expect(error.code).toBe('invalid_params');
    expect(error.message).toMatch(/params\.limit: .*number/);
  });

  it('rejects fields the contract does not know', () => {
    const error = rejection({
      type: 'request',
      id: 1,
      method: 'settings.update',
      params: { theme: 'dark', sql: 'DROP TABLE jobs' },
    });
    expect(error.code).toBe('invalid_params');
    expect(error.message).toContain('sql');
  });

  it('rejects a job kind the engine does not run', () => {
    const error = rejection({ type: 'request', id: 1, method: 'jobs.start', params: { kind: 'rm -rf', params: {} } });
    expect(error.message).toMatch(/params\.kind/);
  });
});
