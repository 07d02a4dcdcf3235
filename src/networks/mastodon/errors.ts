import type { QuotaSnapshot } from '../contract.js';
import { NetworkError, kindForStatus, retryAfter } from '../errors.js';
import { ErrorBody } from './schemas.js';

const ID = 'mastodon';

const NEW_TOKEN =
  'Create a new access token in Mastodon → Preferences → Development (open the application, or create one with the read and write scopes), then reconnect the channel in Settings → Channels.';

/**
 * When a rate limit resets: X-RateLimit-Reset is an ISO 8601 timestamp
 * (https://docs.joinmastodon.org/api/rate-limits/); Retry-After is honoured if a proxy in front sends one.
 */
export function rateLimitReset(headers: Record<string, string>, now: Date): Date {
  const reset = Date.parse(headers['x-ratelimit-reset'] ?? '');
  if (!Number.isNaN(reset)) return new Date(reset);
  return retryAfter(headers['retry-after'], now) ?? new Date(now.getTime() + 5 * 60_000);
}

/**
 * The budget a response reports (https://docs.joinmastodon.org/api/rate-limits/): "the one you are closest
 * to exceeding", so the scope is named for what it is, whichever budget that is.
 */
export function quotaFromHeaders(headers: Record<string, string>): QuotaSnapshot | undefined {
  const limit = Number(headers['x-ratelimit-limit']);
  const remaining = Number(headers['x-ratelimit-remaining']);
  if (!headers['x-ratelimit-limit'] || !Number.isInteger(limit) || !Number.isInteger(remaining))
    return undefined;
  const reset = Date.parse(headers['x-ratelimit-reset'] ?? '');
  return {
    limit,
    remaining,
    resetAt: Number.isNaN(reset) ? null : new Date(reset),
    scope: 'requests (the budget closest to running out)',
  };
}

/**
 * Mastodon errors mapped by status and the `error` field of the body
 * (https://docs.joinmastodon.org/entities/Error/), never by matching message text.
 */
export function mapMastodonError(
  status: number,
  body: unknown,
  headers: Record<string, string>,
  now: Date,
  account: string,
): NetworkError {
  const parsed = ErrorBody.safeParse(body);
  const detail = parsed.success ? parsed.data.error : undefined;
  const quoted = detail ? ` ("${detail}")` : '';
  if (status === 429) {
    const resetAt = rateLimitReset(headers, now);
    return new NetworkError(
      ID,
      'rate_limited',
      `Mastodon's rate limit for ${account} is used up until ${resetAt.toISOString()}.`,
      { status, resetAt },
    );
  }
  if (status === 401) {
    return new NetworkError(
      ID,
      'reconnect_required',
      `Channel ${account} needs reconnecting: Mastodon refused the access token${quoted}. ${NEW_TOKEN}`,
      { status },
    );
  }
  if (status === 403) {
    return new NetworkError(
      ID,
      'reconnect_required',
      `Channel ${account} needs reconnecting: Mastodon does not allow this${quoted}; the token may lack the read and write scopes, or the account is disabled. ${NEW_TOKEN}`,
      { status },
    );
  }
  if (status === 404) {
    return new NetworkError(ID, 'invalid_content', `Mastodon has no such record${quoted}.`, { status });
  }
  if (status === 422) {
    return new NetworkError(ID, 'invalid_content', `Mastodon refused the post: ${detail ?? 'invalid'}.`, {
      status,
    });
  }
  const kind = kindForStatus(status);
  return new NetworkError(
    ID,
    kind,
    kind === 'transient'
      ? `Mastodon answered ${status}${quoted}; Chorus will try again.`
      : `Mastodon answered ${status}${quoted}.`,
    { status },
  );
}
