/**
 * The closed taxonomy of what can go wrong when Chorus talks to a network. Adapters map status codes and
 * parsed error bodies to one of these kinds (never substrings of messages); the publishing engine decides
 * what to do by kind alone.
 */
export const NETWORK_ERROR_KINDS = [
  'auth_expired', // the access token expired: refresh and try again
  'reconnect_required', // the credential was revoked or is wrong: a person must reconnect the channel
  'rate_limited', // slow down until `resetAt`
  'transient', // a 5xx or network failure before the request was accepted: safe to retry later
  'invalid_content', // the network refused this content: fix the post
  'quota_exhausted', // a daily or monthly cap is used up until `resetAt`
  'unknown_outcome', // the request may have been accepted (timeout after sending): never retry blindly
] as const;
export type NetworkErrorKind = (typeof NETWORK_ERROR_KINDS)[number];

export class NetworkError extends Error {
  readonly kind: NetworkErrorKind;
  readonly network: string;
  readonly resetAt: Date | undefined;
  readonly status: number | undefined;

  constructor(
    network: string,
    kind: NetworkErrorKind,
    message: string,
    options: { resetAt?: Date; status?: number } = {},
  ) {
    super(message);
    this.name = 'NetworkError';
    this.network = network;
    this.kind = kind;
    this.resetAt = options.resetAt;
    this.status = options.status;
  }

  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited' || this.kind === 'auth_expired';
  }
}

/** The usual mapping of an HTTP status when a network's error body says nothing more specific. */
export function kindForStatus(status: number): NetworkErrorKind {
  if (status === 401) return 'reconnect_required';
  if (status === 403) return 'reconnect_required';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'transient';
  return 'invalid_content';
}

/** Parses Retry-After (seconds or an HTTP date) into an instant. */
export function retryAfter(header: string | undefined, now: Date): Date | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return new Date(now.getTime() + seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : new Date(at);
}
