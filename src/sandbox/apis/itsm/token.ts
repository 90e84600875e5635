import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The callback token of CONTRACTS.md §7.4: base64(16-byte random IV ‖ AES-256-CBC(key =
 * SHA256(appCode + "_APPROVAL_RESULT"), PKCS7(appCode + "_" + secret))). appCode and secret are
 * ITSM's own; receivers cannot check a token themselves and ask `token/verify`.
 */

const AES_KEY_SUFFIX = 'APPROVAL_RESULT';

function keyOf(appCode: string): Buffer {
  return createHash('sha256').update(`${appCode}_${AES_KEY_SUFFIX}`).digest();
}

export function createToken(appCode: string, secret: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', keyOf(appCode), iv);
  const sealed = Buffer.concat([cipher.update(`${appCode}_${secret}`, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed]).toString('base64');
}

/** Never throws: anything that does not decrypt to the expected text is simply not passed. */
export function verifyToken(token: unknown, appCode: string, secret: string): boolean {
  if (typeof token !== 'string' || token === '') return false;
  try {
    const raw = Buffer.from(token, 'base64');
    if (raw.length < 32 || (raw.length - 16) % 16 !== 0) return false;
    const decipher = createDecipheriv('aes-256-cbc', keyOf(appCode), raw.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
    return plain === `${appCode}_${secret}`;
  } catch {
    return false;
  }
}
