import { createHmac } from 'node:crypto';
import { safeEqual } from './hash.js';

/**
 * Signatures for webhooks Chorus sends: HMAC-SHA256 over `<unix seconds>.<raw body>`, sent as
 * `X-Chorus-Timestamp` and `X-Chorus-Signature: v1=<hex>`. Receivers recompute it and reject timestamps
 * outside a tolerance window, so a captured request cannot be replayed later.
 */
export const SIGNATURE_HEADER = 'x-chorus-signature';
export const TIMESTAMP_HEADER = 'x-chorus-timestamp';

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyPayload(options: {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  now: Date;
  toleranceSeconds?: number;
}): boolean {
  const ts = Number(options.timestamp);
  if (!options.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(options.now.getTime() / 1000 - ts) > (options.toleranceSeconds ?? 300)) return false;
  return safeEqual(signPayload(options.secret, ts, options.body), options.signature);
}
