import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex digest, used to store high-entropy tokens (sessions, API tokens, invitations) without the token. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
