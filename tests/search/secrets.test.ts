// API keys: stored in a file only the user can read, environment variables win, and no reply, log line,
// error or cache row ever carries a key's value.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { SecretStore } from '../../src/main/search/secrets/store';
import { homePaths } from '../../src/main/platform/home';
import { redact } from '../../src/main/platform/log';
import { removeTempHomes, tempHome } from '../helpers/home';

afterEach(removeTempHomes);

describe('API key store', () => {
  it('keeps keys in a file readable only by the user, and tightens a loosened file', () => {
    const home = tempHome();
    const file = homePaths(home).secrets;
    const store = new SecretStore(file, {});
    store.set('serpapi', 'serp-secret-value-1');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(new SecretStore(file, {}).get('serpapi')).toBe('serp-secret-value-1');
    fs.chmodSync(file, 0o644);
    new SecretStore(file, {}).status();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    store.clear('serpapi');
    expect(store.get('serpapi')).toBeUndefined();
  });

  it('prefers an environment variable and says where each key comes from, never its value', () => {
    const home = tempHome();
    const store = new SecretStore(homePaths(home).secrets, { SERPAPI_API_KEY: 'from-env-key-123' });
    store.set('serpapi', 'stored-key-456');
    store.set('jina', 'jina-key-789');
    expect(store.get('serpapi')).toBe('from-env-key-123');
    const status = store.status();
    expect(status).toEqual([
      { name: 'serpapi', set: true, source: 'env', envVar: 'SEARCHLAB_SERPAPI_KEY' },
      { name: 'jina', set: true, source: 'file', envVar: 'SEARCHLAB_JINA_KEY' },
      { name: 'summariser', set: false, source: null, envVar: 'SEARCHLAB_SUMMARISER_KEY' },
    ]);
    // Reading a key registers it with the logger: any text that later contains it is masked.
    expect(redact('token from-env-key-123 and jina-key-789')).toBe('token *** and ***');
  });

  it('accepts a key through the API and never sends it back', async () => {
    const engine = Engine.open({ home: tempHome(), face: 'cli' });
    const reply = await engine.handle({
      type: 'request',
      id: 1,
      method: 'search.secrets.set',
      params: { name: 'summariser', value: 'sk-never-echoed-42' },
    });
    expect(reply.ok).toBe(true);
    expect(JSON.stringify(reply)).not.toContain('sk-never-echoed-42');
    const status = await engine.call('search.secrets.status', {});
    expect(status.find((s) => s.name === 'summariser')).toMatchObject({ set: true, source: 'file' });
    const bad = await engine.handle({
      type: 'request',
      id: 2,
      method: 'search.secrets.set',
      params: { name: 'summariser', value: 'sk-never-echoed-42', extra: 1 },
    });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('sk-never-echoed-42');
    await engine.close();
  });

  it('opens the engine with a damaged key file and names the file when a key is needed', async () => {
    const home = tempHome();
    fs.writeFileSync(homePaths(home).secrets, '{ not json', { mode: 0o600 });
    const engine = Engine.open({ home, face: 'cli' });
    await expect(engine.call('search.secrets.status', {})).rejects.toThrow(
      `The key file ${homePaths(home).secrets} is not valid JSON`,
    );
    await engine.close();
  });
});
