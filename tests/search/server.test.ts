// The search API over a real `searchlab serve` WebSocket: the contract's validation at the boundary, and keys
// that never cross it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, connect, type ServedEngine } from '../helpers/serve';
import { removeTempHomes, tempHome } from '../helpers/home';

const KEY = 'serp-ws-secret-key-5150';
let engine: ServedEngine;
let client: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  process.env.SERPAPI_API_KEY = KEY;
  engine = await serve(tempHome());
  delete process.env.SERPAPI_API_KEY;
  client = await connect(engine);
});
afterAll(async () => {
  client?.close();
  await engine?.stop();
  removeTempHomes();
});

describe('search API over the WebSocket', () => {
  it('rejects bad search requests naming the field', async () => {
    const noTool = await client.request('search.run', { query: 'x' });
    expect(noTool).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(noTool.error.message).toContain('params.tool');
    const tooBig = await client.request('search.run', { tool: 'image_search', imageBase64: 'A'.repeat(3_900_001) });
    expect(tooBig.error.message).toMatch(/params\.imageBase64: image too large/);
    const notImage = await client.request('search.run', {
      tool: 'image_search',
      imageBase64: Buffer.from('hello').toString('base64'),
    });
    expect(notImage.error).toMatchObject({
      code: 'invalid_params',
      message: 'The uploaded file is not a readable image',
    });
    const badConfig = await client.request('search.config.update', { budget: { maxCalls: -1 } });
    expect(badConfig.error.message).toContain('search.budget.maxCalls');
    const missing = await client.request('search.cache.get', { key: 'nope' });
    expect(missing.error.code).toBe('not_found');
  });

  it('answers a search without a corpus with an error for the model, not a failed request', async () => {
    const reply = await client.request('search.run', { tool: 'text_search', query: 'anything', engine: 'local' });
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatchObject({
      ok: false,
      cache: 'error',
      text: expect.stringContaining('Reason with your own knowledge'),
    });
    expect(reply.result.error).toMatch(/no local corpus yet/);
  });

  it('says a key is set without sending it', async () => {
    const reply = await client.request('search.secrets.status');
    expect(reply.result[0]).toEqual({ name: 'serpapi', set: true, source: 'env', envVar: 'SEARCHLAB_SERPAPI_KEY' });
    expect(JSON.stringify(reply)).not.toContain(KEY);
    expect(engine.output()).not.toContain(KEY);
  });
});
