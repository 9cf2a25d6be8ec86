import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ScryptParams } from '@app/database';

/**
 * scrypt cost for new hashes: N=2^14, r=8, p=1 (OWASP's minimum for scrypt is N=2^17 with r=8; binds are rare but
 * a reconnect storm of hundreds of tenants must not stall the event loop's thread pool, so the default stays at
 * 2^14 and each credential keeps the parameters it was hashed with, to be raised by a rotation).
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16_384, r: 8, p: 1, keylen: 32 };

const SALT_BYTES = 16;

export interface PasswordHash {
  readonly hash: Buffer;
  readonly salt: Buffer;
  readonly params: ScryptParams;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, params.keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  return { hash: await derive(password, salt, params), salt, params };
}

/** Constant-time comparison of the derived key with the stored one. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const derived = await derive(password, stored.salt, stored.params);
  return derived.length === stored.hash.length && timingSafeEqual(derived, stored.hash);
}

let dummy: Promise<PasswordHash> | undefined;

/**
 * Spends the same work as a real verification, for an unknown system_id: the answer and its timing must not tell
 * whether the account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('base64'));
  await verifyPassword(password, await dummy);
  return false;
}
