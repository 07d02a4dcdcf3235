import { createHash } from 'node:crypto';

/**
 * A record key chosen by Chorus for each delivery. Bluesky posts need a TID record key
 * (https://atproto.com/specs/record-key#record-key-type-tid): 13 base32-sortable characters of a 64-bit
 * number (53 bits of microseconds, 10 bits of clock id). Deriving it from the delivery's idempotency key
 * makes every retry target the same record, so a post can never be created twice.
 */
const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const EPOCH_2024_US = 1_704_067_200_000_000n;

export function tidFor(idempotencyKey: string): string {
  const h = createHash('sha256').update(idempotencyKey).digest();
  const spread = h.readBigUInt64BE(0) & ((1n << 42n) - 1n); // within ~51 days after 2024-01-01
  const clockId = BigInt(h.readUInt16BE(8) & 0x3ff);
  let n = ((EPOCH_2024_US + spread) << 10n) | clockId;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = ALPHABET[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

export const TID_RE = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
