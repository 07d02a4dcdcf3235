import type { QuotaSnapshot } from '../contract.js';
import { NetworkError, kindForStatus } from '../errors.js';
import { XrpcError } from './schemas.js';

const ID = 'bluesky';

const WINDOWS: Record<number, string> = { 300: '5 minutes', 3600: 'hour', 86400: 'day' };

/**
 * The budget a PDS reports on rate-limited routes (RateLimit-Limit, -Remaining, -Reset in epoch seconds,
 * -Policy "limit;w=seconds"; https://docs.bsky.app/docs/advanced-guides/rate-limits). Writes cost points
 * (create 3, update 2, delete 1), so the budget is in points.
 */
export function quotaFromRateLimitHeaders(headers: Record<string, string>): QuotaSnapshot | undefined {
  const limit = Number(headers['ratelimit-limit']);
  const remaining = Number(headers['ratelimit-remaining']);
  if (!headers['ratelimit-limit'] || !Number.isInteger(limit) || !Number.isInteger(remaining))
    return undefined;
  const reset = Number(headers['ratelimit-reset']);
  const window = Number(/;\s*w=(\d+)/.exec(headers['ratelimit-policy'] ?? '')?.[1]);
  const per = WINDOWS[window] ?? (Number.isFinite(window) && window > 0 ? `${window} seconds` : undefined);
  return {
    limit,
    remaining,
    resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : null,
    scope: per ? `points per ${per}` : 'points',
  };
}

/**
 * XRPC errors mapped by status and the `error` name in the body (https://atproto.com/specs/xrpc#error-responses),
 * never by message text.
 */
export function mapXrpcError(
  status: number,
  body: unknown,
  headers: Record<string, string>,
  now: Date,
  account: string,
): NetworkError {
  const parsed = XrpcError.safeParse(body);
  const name = parsed.success ? parsed.data.error : undefined;
  const detail = parsed.success && parsed.data.message ? `: ${parsed.data.message}` : '';
  if (status === 429 || name === 'RateLimitExceeded') {
    const reset = Number(headers['ratelimit-reset']);
    return new NetworkError(ID, 'rate_limited', `Bluesky rate limit reached for ${account}.`, {
      status,
      resetAt:
        Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date(now.getTime() + 60_000),
    });
  }
  if (name === 'ExpiredToken' || name === 'InvalidToken') {
    return new NetworkError(ID, 'auth_expired', `The Bluesky session of ${account} expired.`, { status });
  }
  if (
    name === 'AuthenticationRequired' ||
    name === 'AuthFactorTokenRequired' ||
    name === 'AccountTakedown' ||
    name === 'AccountDeactivated'
  ) {
    return new NetworkError(
      ID,
      'reconnect_required',
      `Channel ${account} needs reconnecting: Bluesky refused the app password (${name}). Create a new app password in Bluesky → Settings → Privacy and security → App passwords, then reconnect the channel in Settings → Channels.`,
      { status },
    );
  }
  if (
    name === 'InvalidRequest' ||
    name === 'InvalidRecord' ||
    name === 'BlobTooLarge' ||
    name === 'InvalidMimeType'
  ) {
    return new NetworkError(ID, 'invalid_content', `Bluesky refused the post${detail}.`, { status });
  }
  const kind = status === 401 ? 'reconnect_required' : kindForStatus(status);
  return new NetworkError(
    ID,
    kind,
    kind === 'reconnect_required'
      ? `Channel ${account} needs reconnecting: Bluesky answered ${status}${detail}. Reconnect it in Settings → Channels.`
      : `Bluesky answered ${status}${name ? ` (${name})` : ''}${detail}.`,
    { status },
  );
}
