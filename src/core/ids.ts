import { randomBytes, randomUUID } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): time-ordered, so new rows land at the end of primary-key indexes. The
 * 48-bit millisecond time, then the version, a 12-bit counter, and 62 random bits with the variant, taken
 * from `randomUUID` (which draws from a cached pool of entropy, far cheaper per id than `randomBytes`).
 *
 * Ids made in one process within the same millisecond count up (RFC 9562, method 1): they sort in the
 * order they were made, so "newest first" stays right for rows created in the same millisecond. The
 * counter starts at a random value in its lower half each millisecond; past its top, the time moves on a
 * millisecond.
 */
let lastMs = -1;
let counter = 0;

export function newId(now: number = Date.now()): string {
  let ms = now;
  if (ms === lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      ms = lastMs + 1;
      counter = Math.floor(Math.random() * 0x800);
    }
  } else if (ms > lastMs || ms < lastMs - 10_000) {
    // A new millisecond (or an explicit time far in the past, as tests give): a fresh counter.
    counter = Math.floor(Math.random() * 0x800);
  } else {
    // The clock stepped back a little: stay on the last millisecond so ids keep counting up.
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      ms = lastMs + 1;
      counter = Math.floor(Math.random() * 0x800);
    }
  }
  if (ms >= lastMs || ms < lastMs - 10_000) lastMs = ms;
  const time = ms.toString(16).padStart(12, '0');
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx (V: the variant)
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${counter.toString(16).padStart(3, '0')}-${random.slice(19)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** A random, URL-safe secret with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
