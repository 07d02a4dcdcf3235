import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, Dispatcher, request } from 'undici';
import { AppError } from '../core/errors.js';
import { isPublicAddress } from './address-policy.js';

/**
 * The one way Chorus fetches a URL it did not choose itself (webhooks, media by URL, feeds, instance URLs).
 * Every hop is resolved once, checked, and the connection pinned to the checked address, so DNS rebinding
 * cannot swap in a private address between check and connect; redirects are followed by hand and each is
 * checked again; time and size are capped.
 */
export interface EgressPolicy {
  /** Allow private and loopback destinations (self-hosters reaching an intranet server). Default off. */
  allowPrivate: boolean;
  /** Private destinations allowed one by one, as "host:port" (e.g. a local receiver in tests). */
  allowList?: readonly string[];
}

export interface SafeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** 'follow' (default) follows redirects, checking every hop; 'manual' returns a 3xx answer as it is. */
  redirect?: 'follow' | 'manual';
  /** A body over `maxBytes`: 'error' (default) fails; 'truncate' keeps its first `maxBytes` bytes. */
  oversize?: 'error' | 'truncate';
}

export interface SafeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  url: string;
}

export class EgressError extends AppError {
  constructor(
    message: string,
    readonly reason: 'blocked' | 'invalid_url' | 'too_large' | 'timeout' | 'too_many_redirects' | 'network',
    /** The system error code (ECONNREFUSED, ENOTFOUND…) for network failures. */
    readonly systemCode?: string,
    /**
     * For network failures and timeouts: whether the whole request had been written to the connection.
     * False means the destination cannot have acted on it (it was never connected, or the request was
     * cut off before its end), so sending it again cannot do anything twice.
     */
    readonly requestWritten?: boolean,
  ) {
    super('invalid_request', message);
  }
}

async function resolveChecked(url: URL, policy: EgressPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : ((await lookup(host, { all: true, verbatim: true }).catch(() => {
        throw new EgressError(`Cannot resolve ${host}: check the address.`, 'network');
      })) as { address: string; family: 4 | 6 }[]);
  const allowed = (a: string) =>
    isPublicAddress(a) ||
    policy.allowPrivate ||
    (policy.allowList ?? []).includes(`${a.includes(':') ? `[${a}]` : a}:${port}`) ||
    (policy.allowList ?? []).includes(`${host}:${port}`);
  const first = addresses[0];
  // Every address the name resolves to must pass: otherwise a second A record could be used later.
  if (!first || !addresses.every((a) => allowed(a.address))) {
    throw new EgressError(
      `${url.host} points to a private or reserved address, which Chorus does not contact. Use a public address, or ask the administrator to allow it.`,
      'blocked',
    );
  }
  return first;
}

/**
 * Connections are reused, one pool per origin and checked address (so a pin is never shared with another
 * address), which spares a connection set-up per request. A pooled connection idle for a second is closed:
 * far sooner than servers close theirs (a `Keep-Alive: timeout` hint under 3 s disables reuse for that
 * server), so a request is practically never written to a connection the server has just dropped. If it
 * happens anyway, it surfaces as a network error after sending, which callers already treat as an unknown
 * outcome, never as "not sent".
 */
const IDLE_CONNECTION_MS = 1_000;
/**
 * At most this many connections to one origin at a time; further requests wait their turn in Chorus (the
 * wait counts against their time limit, and a request that times out waiting was never written, so it is
 * retried, not put in doubt). A burst of thousands of posts to one network then reuses connections instead
 * of opening thousands at once, which cost more CPU (on both ends) than the requests themselves.
 */
export const MAX_CONNECTIONS_PER_POOL = 1_024;
const MAX_POOLS = 256;
const pools = new Map<string, { agent: Agent; lastUsed: number }>();
let reaper: NodeJS.Timeout | undefined;

function pooledAgent(url: URL, pinned: { address: string; family: 4 | 6 }): Agent {
  const key = `${url.origin}|${pinned.address}`;
  const now = Date.now();
  const found = pools.get(key);
  if (found) {
    found.lastUsed = now;
    // Most recently used last, so the first entries are the ones to drop.
    pools.delete(key);
    pools.set(key, found);
    return found.agent;
  }
  const agent = new Agent({
    keepAliveTimeout: IDLE_CONNECTION_MS,
    keepAliveMaxTimeout: IDLE_CONNECTION_MS,
    connections: MAX_CONNECTIONS_PER_POOL,
    connect: {
      lookup: (_host, _opts, cb) => cb(null, [{ address: pinned.address, family: pinned.family }]),
    },
  });
  pools.set(key, { agent, lastUsed: now });
  while (pools.size > MAX_POOLS) {
    const [oldest, entry] = pools.entries().next().value as [string, { agent: Agent }];
    pools.delete(oldest);
    void entry.agent.close();
  }
  reaper ??= setInterval(() => {
    const cutoff = Date.now() - 30_000;
    for (const [k, entry] of pools) {
      if (entry.lastUsed >= cutoff) continue;
      pools.delete(k);
      void entry.agent.close();
    }
    if (pools.size === 0) {
      clearInterval(reaper);
      reaper = undefined;
    }
  }, 10_000).unref();
  return agent;
}

/**
 * Passes requests on to a pool and notes when one has been written in full, so a failure can say whether
 * the destination could have acted on it.
 */
class WriteTracking extends Dispatcher {
  written = false;

  constructor(private readonly inner: Dispatcher) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // The handler is this request's own (undici makes one per request): note the moment it is sent.
    const sent = handler as { onRequestSent?: () => void };
    const next = sent.onRequestSent?.bind(handler);
    sent.onRequestSent = () => {
      this.written = true;
      next?.();
    };
    return this.inner.dispatch(options, handler);
  }
}

/**
 * The request, or a rejection as soon as `signal` aborts: a connection still being set up (a TLS handshake)
 * is not interrupted by the signal, and would otherwise hold the caller until the connect timeout. An
 * aborted request is never written afterwards; an answer that comes anyway is drained.
 */
function untilAborted<T extends { body: { dump: () => Promise<unknown> } }>(
  pending: Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return void value.body.dump().catch(() => undefined);
        settled = true;
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export async function safeFetch(
  input: string,
  init: SafeRequest,
  policy: EgressPolicy,
): Promise<SafeResponse> {
  const timeoutMs = init.timeoutMs ?? 10_000;
  const maxBytes = init.maxBytes ?? 10 * 1024 * 1024;
  const maxRedirects = init.maxRedirects ?? 5;
  const signal = AbortSignal.timeout(timeoutMs);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new EgressError(`"${input.slice(0, 200)}" is not a valid URL.`, 'invalid_url');
  }
  let method = init.method ?? 'GET';
  let body = init.body;
  let headers = init.headers;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EgressError(`Only http and https URLs can be fetched, not ${url.protocol}`, 'invalid_url');
    }
    if (url.username || url.password)
      throw new EgressError('URLs with a user name or password are not accepted.', 'invalid_url');
    const pinned = await resolveChecked(url, policy);
    const tracking = new WriteTracking(pooledAgent(url, pinned));
    const res = await untilAborted(
      request(url, { method, headers, body, dispatcher: tracking, signal }),
      signal,
    ).catch((error: Error) => {
      if (signal.aborted) {
        throw new EgressError(
          tracking.written
            ? `${url.host} did not answer within ${timeoutMs} ms.`
            : `Could not send the request to ${url.host} within ${timeoutMs} ms.`,
          'timeout',
          undefined,
          tracking.written,
        );
      }
      const code = (error as { code?: unknown }).code;
      throw new EgressError(
        `Could not reach ${url.host}: ${error.message}`,
        'network',
        typeof code === 'string' ? code : undefined,
        tracking.written,
      );
    });
    const location = res.headers.location;
    if (
      init.redirect !== 'manual' &&
      res.statusCode >= 300 &&
      res.statusCode < 400 &&
      typeof location === 'string'
    ) {
      await res.body.dump();
      const next = new URL(location, url);
      // Credentials never follow a redirect to another origin (as browsers do).
      if (next.origin !== url.origin && headers) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(
            ([k]) => !['authorization', 'cookie', 'proxy-authorization'].includes(k.toLowerCase()),
          ),
        );
      }
      url = next;
      if (
        res.statusCode === 303 ||
        ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes && init.oversize === 'truncate') {
          const room = maxBytes - (size - (chunk as Buffer).length);
          chunks.push((chunk as Buffer).subarray(0, room));
          res.body.destroy();
          break;
        }
        if (size > maxBytes) {
          res.body.destroy();
          throw new EgressError(
            `The response from ${url.host} is larger than ${maxBytes} bytes.`,
            'too_large',
          );
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof EgressError) throw error;
      // An answer had begun: the request was received.
      if (signal.aborted)
        throw new EgressError(
          `${url.host} did not answer within ${timeoutMs} ms.`,
          'timeout',
          undefined,
          true,
        );
      throw new EgressError(
        `The response from ${url.host} broke off: ${(error as Error).message}`,
        'network',
        undefined,
        true,
      );
    }
    const responseHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
    return {
      status: res.statusCode,
      headers: responseHeaders,
      body: Buffer.concat(chunks),
      url: url.toString(),
    };
  }
  throw new EgressError(
    `More than ${maxRedirects} redirects from ${input.slice(0, 200)}.`,
    'too_many_redirects',
  );
}
