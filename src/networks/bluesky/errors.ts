import { NetworkError, kindForStatus } from '../errors.js';
import { XrpcError } from './schemas.js';

const ID = 'bluesky';

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
