// The data key that seals API keys on disk, kept encrypted by the OS keychain (Electron safeStorage) in the data
// folder. Main decrypts it at start and gives it to the engine process; where the keychain is unavailable the
// engine falls back to the plain cipher (a file only the user can read) and says so in the log.
import { safeStorage } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '../platform/log';

const log = logger('electron');

export function secretsDataKey(home: string): string | null {
  if (!safeStorage.isEncryptionAvailable()) {
    log.warn('OS keychain encryption is unavailable: API keys are stored in a file only you can read (mode 0600)');
    return null;
  }
  const file = path.join(home, 'secrets.key');
  if (fs.existsSync(file)) return safeStorage.decryptString(fs.readFileSync(file));
  const key = randomBytes(32).toString('base64');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(file, safeStorage.encryptString(key), { mode: 0o600 });
  return key;
}
