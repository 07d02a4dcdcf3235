import type { AdapterDeps } from '../contract.js';
import { NetworkError } from '../errors.js';
import { mapTransportError } from '../http-errors.js';
import { mapXrpcError, quotaFromRateLimitHeaders } from './errors.js';
import { Session } from './schemas.js';

export interface BlueskyCredential {
  service: string;
  identifier: string;
  appPassword: string;
}

/**
 * The only file that talks to Bluesky: XRPC over the SSRF-guarded client. One session per channel is
 * kept in the session store and refreshed when it expires; a new login happens only when the refresh
 * token is no longer accepted (https://docs.bsky.app/docs/api/com-atproto-server-refresh-session).
 */
export class BlueskyClient {
  #session: Session | undefined;
  /** One login and one refresh at a time, however many posts go out through this client at once. */
  #loading: Promise<Session> | undefined;
  #refreshing: Promise<Session> | undefined;

  constructor(
    private readonly credential: BlueskyCredential,
    private readonly deps: AdapterDeps,
  ) {}

  get account(): string {
    return this.#session ? `@${this.#session.handle}` : `@${this.credential.identifier}`;
  }

  async session(): Promise<Session> {
    if (this.#session) return this.#session;
    this.#loading ??= this.loadSession().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  private async loadSession(): Promise<Session> {
    const stored = await this.deps.sessions?.load();
    if (stored) {
      const parsed = Session.safeParse(JSON.parse(stored));
      if (parsed.success) return (this.#session = parsed.data);
    }
    return this.login();
  }

  private async login(): Promise<Session> {
    const body = await this.raw('POST', 'com.atproto.server.createSession', {
      json: { identifier: this.credential.identifier, password: this.credential.appPassword },
    });
    return this.keep(Session.parse(body));
  }

  private refresh(session: Session): Promise<Session> {
    // A refresh already replaced this session: use its result.
    if (this.#session && this.#session.accessJwt !== session.accessJwt) return Promise.resolve(this.#session);
    this.#refreshing ??= this.doRefresh(session).finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  private async doRefresh(session: Session): Promise<Session> {
    try {
      const body = await this.raw('POST', 'com.atproto.server.refreshSession', { token: session.refreshJwt });
      return this.keep(Session.parse(body));
    } catch (error) {
      if (error instanceof NetworkError && error.kind === 'auth_expired') return this.login();
      throw error;
    }
  }

  private async keep(session: Session): Promise<Session> {
    this.#session = session;
    await this.deps.sessions?.save(JSON.stringify(session));
    return session;
  }

  /** An authenticated call; an expired access token is refreshed once and the call repeated. */
  async call(
    method: 'GET' | 'POST',
    nsid: string,
    options: {
      params?: Record<string, string | string[]>;
      json?: unknown;
      bytes?: Uint8Array;
      contentType?: string;
    } = {},
  ): Promise<unknown> {
    const session = await this.session();
    try {
      return await this.raw(method, nsid, { ...options, token: session.accessJwt });
    } catch (error) {
      if (!(error instanceof NetworkError) || error.kind !== 'auth_expired') throw error;
      const fresh = await this.refresh(session);
      return this.raw(method, nsid, { ...options, token: fresh.accessJwt });
    }
  }

  private async raw(
    method: 'GET' | 'POST',
    nsid: string,
    options: {
      params?: Record<string, string | string[]>;
      json?: unknown;
      bytes?: Uint8Array;
      contentType?: string;
      token?: string;
    },
  ): Promise<unknown> {
    const url = new URL(`/xrpc/${nsid}`, this.credential.service);
    for (const [k, v] of Object.entries(options.params ?? {})) {
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, item);
    }
    const headers: Record<string, string> = { 'user-agent': 'Chorus' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.bytes) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.bytes;
    }
    const res = await this.deps
      .http(url.toString(), {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: 20_000,
        maxBytes: 5 * 1024 * 1024,
      })
      .catch((error: unknown) => {
        throw mapTransportError('bluesky', error);
      });
    const quota = quotaFromRateLimitHeaders(res.headers);
    if (quota) this.deps.onQuota?.(quota);
    let parsed: unknown;
    try {
      parsed = res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.status >= 200 && res.status < 300) return parsed;
    throw mapXrpcError(res.status, parsed, res.headers, this.deps.clock.now(), this.account);
  }
}
