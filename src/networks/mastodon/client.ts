import type { AdapterDeps, NetworkLimits } from '../contract.js';
import { EgressError } from '../../egress/safe-fetch.js';
import { NetworkError } from '../errors.js';
import { mapTransportError } from '../http-errors.js';
import { OAuth2Session } from '../oauth2.js';
import type { MastodonCredential } from './credential.js';
import { mapMastodonError, quotaFromHeaders, rateLimitReset } from './errors.js';
import { mastodonOAuthClient } from './oauth.js';
import { MASTODON_LIMITS, MASTODON_POLL_LIMITS, limitsFromInstance, type PollLimits } from './limits.js';
import { InstanceV2, parseBody } from './schemas.js';

type Method = 'GET' | 'POST' | 'DELETE';

export interface CallOptions {
  query?: Record<string, string | string[]>;
  json?: unknown;
  multipart?: { contentType: string; body: Uint8Array };
  idempotencyKey?: string;
  /** Sent without the access token (public endpoints such as the instance document). */
  anonymous?: boolean;
  timeoutMs?: number;
}

/**
 * Rate-limit buckets (https://docs.joinmastodon.org/api/rate-limits/): every call counts against the
 * account's 300 per 5 minutes; media uploads and deletions have their own smaller budgets, and a response
 * reports the budget it is closest to exhausting. An exhausted upload or delete budget therefore stops only
 * uploads or deletions; an exhausted general budget stops everything. Creating statuses has a budget of its
 * own on Mastodon's side too.
 */
type Bucket = 'api' | 'statuses' | 'media' | 'delete';

function bucketOf(method: Method, path: string): Bucket {
  if (method === 'POST' && path === '/api/v1/statuses') return 'statuses';
  if (method === 'POST' && path === '/api/v2/media') return 'media';
  if (method === 'DELETE' && path.startsWith('/api/v1/statuses/')) return 'delete';
  return 'api';
}

function safeJson(body: Buffer): unknown {
  try {
    return body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The only file that talks to Mastodon: REST over the SSRF-guarded client, with the pasted access token
 * as a bearer token. Redirects are not followed, so the token never travels to another host. It keeps,
 * per adapter, the server's limits (read once) and which rate-limit budgets are exhausted until when.
 */
export class MastodonClient {
  #limits: NetworkLimits | undefined;
  #polls: PollLimits = MASTODON_POLL_LIMITS;
  #loading: Promise<NetworkLimits> | undefined;
  #domain: string;
  #username: string | undefined;
  readonly #exhausted = new Map<Bucket, Date>();
  /** For a channel connected by signing in: its tokens, refreshed ahead of expiry if they expire. */
  readonly #session: OAuth2Session | undefined;

  constructor(
    private readonly credential: Pick<MastodonCredential, 'instance' | 'accessToken'> &
      Partial<Pick<MastodonCredential, 'oauth'>>,
    private readonly deps: AdapterDeps,
  ) {
    this.#domain = new URL(credential.instance).host;
    const grant = credential.oauth;
    if (grant && deps.sessions) {
      this.#session = new OAuth2Session(
        mastodonOAuthClient(credential.instance, grant, ''),
        { http: deps.http, clock: deps.clock, store: deps.sessions },
        {
          accessToken: credential.accessToken,
          refreshToken: grant.refreshToken,
          expiresAt: grant.expiresAt,
          scope: grant.scope,
        },
      );
    }
  }

  private accessToken(): Promise<string> {
    return this.#session ? this.#session.accessToken() : Promise.resolve(this.credential.accessToken);
  }

  /** When the access token stops working, if it ever does. */
  async tokenExpiresAt(): Promise<Date | undefined> {
    if (this.#session) return this.#session.expiresAt();
    const at = this.credential.oauth?.expiresAt;
    return at ? new Date(at) : undefined;
  }

  /** The server's limits once read, Mastodon's defaults before. */
  get limits(): NetworkLimits {
    return this.#limits ?? MASTODON_LIMITS;
  }

  get polls(): PollLimits {
    return this.#polls;
  }

  /** The domain of local handles: the instance document's once read (it may differ from the host). */
  get domain(): string {
    return this.#domain;
  }

  get account(): string {
    return this.#username ? `@${this.#username}@${this.#domain}` : `the Mastodon account on ${this.#domain}`;
  }

  set username(username: string) {
    this.#username = username;
  }

  /** Reads GET /api/v2/instance once (https://docs.joinmastodon.org/methods/instance/#v2). */
  async loadLimits(): Promise<NetworkLimits> {
    if (this.#limits) return this.#limits;
    this.#loading ??= this.readInstance().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  private async readInstance(): Promise<NetworkLimits> {
    try {
      const { body } = await this.request('GET', '/api/v2/instance', { anonymous: true });
      const instance = parseBody(InstanceV2, body, 'GET /api/v2/instance', 'reconnect_required');
      const { limits, polls } = limitsFromInstance(instance);
      this.#domain = instance.domain;
      this.#polls = polls;
      return (this.#limits = limits);
    } catch (error) {
      // Servers older than Mastodon 4.0 have no v2 instance document: Mastodon's defaults apply.
      if (error instanceof NetworkError && error.status === 404) return (this.#limits = MASTODON_LIMITS);
      throw error;
    }
  }

  async call(method: Method, path: string, options: CallOptions = {}): Promise<unknown> {
    return (await this.request(method, path, options)).body;
  }

  async request(
    method: Method,
    path: string,
    options: CallOptions = {},
  ): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
    const bucket = options.anonymous ? undefined : bucketOf(method, path);
    if (bucket) this.refuseIfExhausted(bucket);
    const url = new URL(path, this.credential.instance);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
    }
    const headers: Record<string, string> = { 'user-agent': 'Chorus', accept: 'application/json' };
    if (!options.anonymous) headers.authorization = `Bearer ${await this.accessToken()}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | Uint8Array | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.multipart) {
      headers['content-type'] = options.multipart.contentType;
      body = options.multipart.body;
    }
    const res = await this.deps
      .http(url.toString(), {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: options.timeoutMs ?? 20_000,
        maxBytes: 4 * 1024 * 1024,
        maxRedirects: 0,
      })
      .catch((error: unknown) => {
        throw this.transportError(error);
      });
    this.deps.logger.debug({ network: 'mastodon', method, path, status: res.status }, 'mastodon request');
    const now = this.deps.clock.now();
    if (bucket && (res.status === 429 || res.headers['x-ratelimit-remaining'] === '0')) {
      this.#exhausted.set(bucket, rateLimitReset(res.headers, now));
    }
    const quota = bucket ? quotaFromHeaders(res.headers) : undefined;
    if (quota) this.deps.onQuota?.(quota);
    const parsed = safeJson(res.body);
    if (res.status >= 200 && res.status < 300)
      return { status: res.status, body: parsed, headers: res.headers };
    throw mapMastodonError(res.status, parsed, res.headers, now, this.account);
  }

  /** A budget the server said is used up is respected locally: no request leaves until it resets. */
  private refuseIfExhausted(bucket: Bucket): void {
    const now = this.deps.clock.now();
    for (const b of bucket === 'api' ? (['api'] as const) : (['api', bucket] as const)) {
      const until = this.#exhausted.get(b);
      if (!until) continue;
      if (until.getTime() <= now.getTime()) {
        this.#exhausted.delete(b);
        continue;
      }
      throw new NetworkError(
        'mastodon',
        'rate_limited',
        `Mastodon's rate limit for ${this.account} is used up until ${until.toISOString()}; Chorus waits instead of sending.`,
        { resetAt: until },
      );
    }
  }

  private transportError(error: unknown): NetworkError {
    if (error instanceof EgressError && error.reason === 'too_many_redirects') {
      return new NetworkError(
        'mastodon',
        'reconnect_required',
        `${this.#domain} redirects API requests elsewhere, and Chorus does not send the access token to another address. Reconnect the channel in Settings → Channels with the server's own address.`,
      );
    }
    return mapTransportError('mastodon', error);
  }
}
