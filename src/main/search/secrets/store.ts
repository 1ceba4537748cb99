// API keys. Environment variables win (server and CLI mode, CI); otherwise keys live in a file readable only by
// the user (mode 0600) in the data folder, each value passed through a SecretCipher. The cipher is plain
// (the file's permissions protect it) in server and CLI modes; the Electron glue can supply one backed by
// safeStorage (OS keychain encryption) later without touching this module. Every key read is registered with
// the logger so it is masked in any log line or error, and no method hands a value to the API.
import fs from 'node:fs';
import path from 'node:path';
import type { SecretName, SecretStatus } from '../../../shared/contract';
import { registerSecret } from '../../platform/log';

export interface SecretCipher {
  readonly kind: 'plain' | 'safe-storage';
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export const plainCipher: SecretCipher = { kind: 'plain', encrypt: (s) => s, decrypt: (s) => s };

/** Environment variables consulted for each key, first match wins. */
export const secretEnvVars: Record<SecretName, string[]> = {
  serpapi: ['SEARCHLAB_SERPAPI_KEY', 'SERPAPI_API_KEY'],
  jina: ['SEARCHLAB_JINA_KEY', 'JINA_API_KEY'],
  summariser: ['SEARCHLAB_SUMMARISER_KEY', 'OPENAI_API_KEY'],
};

const names: SecretName[] = ['serpapi', 'jina', 'summariser'];

interface StoredFile {
  version: 1;
  keys: Partial<Record<SecretName, { cipher: SecretCipher['kind']; value: string }>>;
}

export class SecretStore {
  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly cipher: SecretCipher = plainCipher,
  ) {
    // Register every key with the logger up front, so even a line logged before first use is masked.
    for (const name of names) {
      try {
        registerSecret(this.get(name));
      } catch {
        // An unreadable key file is reported when a key is needed, not when the engine opens.
      }
    }
  }

  private read(): StoredFile {
    if (!fs.existsSync(this.file)) return { version: 1, keys: {} };
    // Tighten a file someone loosened, rather than go on keeping keys readable by others.
    if (process.platform !== 'win32' && (fs.statSync(this.file).mode & 0o077) !== 0) fs.chmodSync(this.file, 0o600);
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredFile;
      return parsed && typeof parsed.keys === 'object' ? parsed : { version: 1, keys: {} };
    } catch {
      throw new Error(`The key file ${this.file} is not valid JSON; fix or delete it and set the keys again`);
    }
  }

  private write(data: StoredFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }

  private envValue(name: SecretName): { value: string; variable: string } | null {
    for (const variable of secretEnvVars[name]) {
      const value = this.env[variable];
      if (value) return { value, variable };
    }
    return null;
  }

  get(name: SecretName): string | undefined {
    const fromEnv = this.envValue(name);
    if (fromEnv) {
      registerSecret(fromEnv.value);
      return fromEnv.value;
    }
    const stored = this.read().keys[name];
    if (!stored) return undefined;
    // A key saved in the clear (CLI, browser mode) reads anywhere; the next save seals it where a face can.
    if (stored.cipher === 'plain') {
      registerSecret(stored.value);
      return stored.value;
    }
    if (stored.cipher !== this.cipher.kind)
      throw new Error(
        `The ${name} key was stored with ${stored.cipher} encryption, which this face cannot read; set it again here`,
      );
    const value = this.cipher.decrypt(stored.value);
    registerSecret(value);
    return value;
  }

  set(name: SecretName, value: string): void {
    registerSecret(value);
    const data = this.read();
    data.keys[name] = { cipher: this.cipher.kind, value: this.cipher.encrypt(value) };
    this.write(data);
  }

  clear(name: SecretName): void {
    const data = this.read();
    delete data.keys[name];
    this.write(data);
  }

  status(): SecretStatus[] {
    const data = this.read();
    return names.map((name) => {
      const fromEnv = this.envValue(name);
      const stored = data.keys[name];
      return {
        name,
        set: !!fromEnv || !!stored,
        source: fromEnv ? 'env' : stored ? (stored.cipher === 'safe-storage' ? 'safe-storage' : 'file') : null,
        envVar: secretEnvVars[name][0],
      };
    });
  }
}
