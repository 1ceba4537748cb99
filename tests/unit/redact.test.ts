// A registered secret is masked in every form it travels in: a key with + / = & % reads differently in a URL,
// a form body and JSON, and each of those reaches logs, replies and stored error messages.
import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from '../../src/main/platform/log';

describe('secret masking', () => {
  it('masks the key as typed, percent-encoded (either hex case, once or twice), form-encoded and JSON-escaped', () => {
    const key = 'a+b/c=d&e%f "g\\h';
    registerSecret(key);
    const url = new URL('https://serpapi.example/search');
    url.searchParams.set('api_key', key);
    const leaks = [
      `raw ${key} end`,
      `url ${url.toString()} end`,
      `percent ${encodeURIComponent(key)} end`,
      `lower ${encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())} end`,
      `twice ${encodeURIComponent(encodeURIComponent(key))} end`,
      `json ${JSON.stringify({ key })} end`,
    ];
    for (const line of leaks) {
      const masked = redact(line);
      expect(masked, line).toContain('***');
      expect(masked, line).not.toContain('a+b');
      expect(masked, line).not.toMatch(/a%2Bb|a%2bb|a%252Bb/);
    }
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });
});
