import type { AttemptOutcome, WebhookDelivery } from './webhooks.repository.js';

/** How webhook answers are read and what follows them: status in words, a safe excerpt, the retry schedule. */
/**
 * Seconds to wait before each retry after a failed attempt: 30 s, 2 min, 10 min, 1 h, 6 h. With the first
 * attempt that is six attempts over about 7 hours 12 minutes; then the delivery is `failed`.
 */
export const RETRY_SCHEDULE_SECONDS = [30, 120, 600, 3600, 21_600] as const;
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
/** A Retry-After longer than the schedule's delay is honoured up to this. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

const EXCERPT_BYTES = 1024;

/** What went wrong with a non-2xx answer, in words; null for 2xx. */
export function describeStatus(status: number, location: string | undefined): string | null {
  if (status >= 200 && status < 300) return null;
  if (status === 410) return 'The endpoint answered 410 Gone.';
  if (status >= 300 && status < 400) {
    return `The endpoint answered ${status} (a redirect${location ? ` to ${location.slice(0, 300)}` : ''}). Webhooks do not follow redirects: use the final URL.`;
  }
  return `The endpoint answered ${status}.`;
}

/** Text Postgres can store: no NUL characters. */
export function clean(text: string): string {
  return text.replaceAll('\u0000', '');
}

/** The first KB of an answer as text, with the signing secret blanked out should the receiver echo it. */
export function excerptOf(body: Buffer, secret: string): string | null {
  if (body.length === 0) return null;
  const text = clean(body.toString('utf8')).split(secret).join('[redacted]');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= EXCERPT_BYTES) return text;
  // Cut on a character boundary: a partial character at the end decodes to U+FFFD, which is dropped.
  return bytes
    .subarray(0, EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** What an attempt's answer means for its delivery: delivered, failed for good, or retried when. */
export function outcomeOf(
  delivery: WebhookDelivery,
  attempt: number,
  sent: { statusCode: number | null; retryAfterMs: number | undefined },
  now: Date,
): AttemptOutcome {
  const code = sent.statusCode;
  if (code !== null && code >= 200 && code < 300) return { status: 'delivered', now };
  if (code === 410 || attempt >= delivery.maxAttempts) return { status: 'failed' };
  const scheduled = (RETRY_SCHEDULE_SECONDS[attempt - 1] ?? RETRY_SCHEDULE_SECONDS.at(-1)!) * 1000;
  const delay = Math.max(scheduled, Math.min(sent.retryAfterMs ?? 0, MAX_RETRY_AFTER_SECONDS * 1000));
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}
