// Keys sealed with AES-256-GCM under a data key that the Electron app keeps in the OS keychain (safeStorage)
// and hands to its engine process at start. The engine never sees the keychain; the file never holds a key in
// the clear. In server and CLI modes no data key is given and the plain cipher (file mode 0600) applies.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { registerSecret } from '../../platform/log';
import { plainCipher, type SecretCipher } from './store';

/** The variable the Electron main process sets on the engine process: the data key, base64. */
export const SECRETS_KEY_VAR = 'SEARCHLAB_SECRETS_KEY';

export function sealedCipher(key: Buffer): SecretCipher {
  if (key.length !== 32) throw new Error(`The secrets data key must be 32 bytes, got ${key.length}`);
  return {
    kind: 'safe-storage',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(stored) {
      const raw = Buffer.from(stored, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(
          'A stored key could not be decrypted (the keychain entry changed?); set it again in Settings → Search',
        );
      }
    },
  };
}

let processCipher: SecretCipher | undefined;

/** This process's cipher: sealed when the Electron app passed a data key (which is then removed from the environment). */
export function cipherForProcess(env: NodeJS.ProcessEnv = process.env): SecretCipher {
  if (processCipher) return processCipher;
  const encoded = env[SECRETS_KEY_VAR];
  if (!encoded) return (processCipher = plainCipher);
  delete env[SECRETS_KEY_VAR];
  registerSecret(encoded);
  return (processCipher = sealedCipher(Buffer.from(encoded, 'base64')));
}
