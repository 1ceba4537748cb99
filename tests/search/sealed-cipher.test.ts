import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sealedCipher } from '../../src/main/search/secrets/sealed-cipher';
import { SecretStore } from '../../src/main/search/secrets/store';
import { tempHome, removeTempHomes } from '../helpers/home';

afterEach(removeTempHomes);

describe('keys sealed under the keychain data key', () => {
  it('never leave the key in the file, and read back with the same data key only', () => {
    const file = path.join(tempHome(), 'secrets.json');
    const key = randomBytes(32);
    const store = new SecretStore(file, {}, sealedCipher(key));
    store.set('serpapi', 'sk-live-1234567890abcdef');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('sk-live-1234567890abcdef');
    expect(new SecretStore(file, {}, sealedCipher(key)).get('serpapi')).toBe('sk-live-1234567890abcdef');
    expect(() => new SecretStore(file, {}, sealedCipher(randomBytes(32))).get('serpapi')).toThrow(
      /could not be decrypted/,
    );
    expect(new SecretStore(file, {}, sealedCipher(key)).status().find((s) => s.name === 'serpapi')?.source).toBe(
      'safe-storage',
    );
  });

  it('still read a key saved in the clear by the CLI, and seal it on the next save', () => {
    const file = path.join(tempHome(), 'secrets.json');
    new SecretStore(file, {}).set('jina', 'jina-key-abcdef');
    const sealed = new SecretStore(file, {}, sealedCipher(randomBytes(32)));
    expect(sealed.get('jina')).toBe('jina-key-abcdef');
    sealed.set('jina', 'jina-key-abcdef');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('jina-key-abcdef');
  });
});
