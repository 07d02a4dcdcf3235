/** The request core of the API client: requests, errors, the CSRF token and the expired-session hook. */

import type { ApiErrorBody, MediaAsset, SessionStart } from '../types.js';

/** An error answer from the API (or a failure to reach it), carrying the server's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Turns anything thrown into an `ApiError`, so views have one shape to show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error && error.message ? error.message : 'Something went wrong.';
  return new ApiError(0, 'client_error', message);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

let csrfToken: string | null = null;
let unauthenticatedHandler: (() => void) | null = null;

/** The token sent as `X-CSRF-Token` on every mutation. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Remembers the CSRF token of a session that has just started (setup, login, accepting an invitation). */
export function startSession(start: SessionStart): SessionStart {
  setCsrfToken(start.csrfToken);
  return start;
}

/** Called when a request that needs a session gets a 401 (the session expired or was revoked). */
export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  body?: unknown;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
  /** A 401 is an expected answer here (logging in, probing the session), not an expired session. */
  publicEndpoint?: boolean;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string' &&
    'code' in error &&
    typeof error.code === 'string'
  );
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Calls the API and returns the parsed JSON body (`undefined` for 204). Throws `ApiError` otherwise. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(
      0,
      'network_error',
      'Could not reach the Chorus server. Check your connection and try again.',
    );
  }

  const data = parseJson(await response.text());
  if (!response.ok) {
    if (response.status === 401 && !options.publicEndpoint) unauthenticatedHandler?.();
    if (isErrorBody(data)) {
      throw new ApiError(response.status, data.error.code, data.error.message, data.error.details);
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    throw new ApiError(
      response.status,
      'http_error',
      `The server answered ${String(response.status)}${statusText}.`,
    );
  }
  return data as T;
}

export const seg = encodeURIComponent;
export const ws = (workspaceId: string): string => `/api/v1/workspaces/${seg(workspaceId)}`;

/**
 * Uploads a file as the raw request body (the server sniffs its content), reporting progress as a fraction
 * from 0 to 1. XMLHttpRequest, because fetch cannot report upload progress.
 */
export function uploadFile(
  url: string,
  file: File,
  options: { alt?: string; tags?: string[]; onProgress?: (fraction: number) => void; signal?: AbortSignal },
): Promise<{ asset: MediaAsset }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(
      'POST',
      buildUrl(url, {
        filename: file.name,
        alt: options.alt,
        tags: options.tags && options.tags.length > 0 ? options.tags.join(',') : undefined,
      }),
    );
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const data = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(data as { asset: MediaAsset });
        return;
      }
      if (xhr.status === 401) unauthenticatedHandler?.();
      reject(
        isErrorBody(data)
          ? new ApiError(xhr.status, data.error.code, data.error.message, data.error.details)
          : new ApiError(xhr.status, 'http_error', `The server answered ${String(xhr.status)}.`),
      );
    };
    xhr.onerror = () =>
      reject(
        new ApiError(
          0,
          'network_error',
          'The upload did not reach the Chorus server. Check your connection and try again.',
        ),
      );
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
