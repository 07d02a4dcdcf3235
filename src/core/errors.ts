/**
 * The closed taxonomy of errors Chorus raises on purpose. Only `src/http` maps these to HTTP status codes;
 * everything else throws an `AppError` with one of these codes and a message a person can act on.
 */
export const ERROR_CODES = [
  'invalid_request', // the input is malformed or fails validation
  'unauthenticated', // no valid session or token
  'csrf_failed', // a cookie-authenticated mutation without the CSRF header
  'forbidden', // authenticated, but the role or token scope does not allow it
  'not_found', // does not exist, or not visible to the caller (never reveals which)
  'conflict', // the request conflicts with the current state (duplicate, already done)
  'rate_limited', // too many attempts; retry later
  'payload_too_large',
  'unsupported_media_type',
  'unavailable', // a dependency (database, job engine) is not ready
  'internal', // a bug: never shown with details
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  /** Seconds after which a retry may succeed (rate limits). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string): AppError =>
  new AppError('not_found', `${what} was not found, or you do not have access to it.`);

export const forbidden = (message: string): AppError => new AppError('forbidden', message);

export const invalid = (message: string, details?: unknown): AppError =>
  new AppError('invalid_request', message, { details });

export const conflict = (message: string): AppError => new AppError('conflict', message);
