import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of what an approval must keep secret until it runs (the values of its
 * PASSWORD variables). AES-256-GCM from node:crypto: one authenticated cipher with a fresh random
 * 96-bit IV per value is all this needs, and OpenSSL (behind node:crypto) does it; a library would
 * only wrap these same calls. Key rotation is not supported: a value sealed under another key
 * does not open (SecretsUnreadableError).
 */
export interface SecretBox {
  /** `v1:<iv>:<tag>:<ciphertext>` (base64url), bound to `context` (the approval's id). */
  seal(plain: string, context: string): string;
  /** What `seal` sealed under this key and context; else throws SecretsUnreadableError. */
  open(sealed: string, context: string): string;
  /**
   * HMAC-SHA256 (hex) of a secret: stands in for it where only equality matters (an idempotency
   * fingerprint), and cannot be checked against guesses without the key, as a plain hash can.
   */
  digest(plain: string): string;
}

/** The stable code of an approval whose sealed values do not open (wrong STORE_SECRET, damage). */
export const SECRETS_UNREADABLE = 'SECRETS_UNREADABLE';

export class SecretsUnreadableError extends Error {
  readonly code = SECRETS_UNREADABLE;
  constructor(message: string) {
    super(message);
    this.name = 'SecretsUnreadableError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

// Private: one subkey per use, so the cipher's key is never also a MAC key.
const subkey = (key: Buffer, use: string) =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `bk-graph approvals ${use}`, 32));

/** A box over the store key (32 bytes: Config.storeKey). */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new TypeError(`The store key must be 32 bytes, but got ${key.length}.`);
  const cipherKey = subkey(key, 'aes-256-gcm v1');
  const macKey = subkey(key, 'hmac-sha256 v1');

  return {
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', cipherKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const text = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), text].map((b) => b.toString('base64url'));
      return `${VERSION}:${parts.join(':')}`;
    },

    open(sealed, context) {
      const [version, iv, tag, text, ...rest] = sealed.split(':');
      if (version !== VERSION || iv === undefined || tag === undefined || text === undefined || rest.length)
        throw new SecretsUnreadableError(`a sealed value must be ${VERSION}:<iv>:<tag>:<ciphertext>`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', cipherKey, Buffer.from(iv, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(text, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretsUnreadableError(
          'a sealed value does not open with this key (STORE_SECRET, or the app secret it is derived from, changed?)',
        );
      }
    },

    digest: (plain) => createHmac('sha256', macKey).update(plain, 'utf8').digest('hex'),
  };
}
