import { randomBytes } from 'node:crypto';

const POOL_IDS = 512;
const ID_BYTES = 12;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Our message id: 96 random bits as 24 lowercase hex characters (never sequential; the same string in
 * submit_sm_resp, query_sm and the tenant's DLR). Random bytes are drawn 512 ids at a time.
 */
export function newMessageId(): string {
  if (offset >= pool.length) {
    pool = randomBytes(POOL_IDS * ID_BYTES);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

/** A string that may be one of our ids: 24 lowercase hex characters. */
export function isMessageId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}
