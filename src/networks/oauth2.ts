import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { HttpClient, SessionStore } from './contract.js';
import { NetworkError, retryAfter } from './errors.js';
import { mapTransportError } from './http-errors.js';

/**
 * The OAuth 2 pieces every OAuth network shares (RFC 6749 authorization code grant, RFC 7636 PKCE with
 * S256, RFC 6749 §6 refresh), so an adapter only says where its endpoints are and how its token turns into
 * a credential. Tokens live in the channel's session store (the vault): one encrypted value holding the
 * whole token set, written in a single statement, so a rotated refresh token is never half-saved.
 */

export interface OAuth2Client {
  /** The network's id, for errors. */
  network: string;
  /** The network's name, for messages ("Mastodon"). */
  networkName: string;
  /** Shown in errors: "Channel @acme@mastodon.social needs reconnecting…". */
  account?: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scopes: readonly string[];
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). Default: in the form body. */
  clientAuth?: 'body' | 'basic' | 'none';
  /** Whether the server takes PKCE (RFC 7636). Default: true. */
  pkce?: boolean;
}

export interface TokenSet {
  accessToken: string;
  /** Null when the server gave none (Mastodon tokens do not expire and come without one). */
  refreshToken: string | null;
  /** ISO instant; null when the server did not say (no expiry). */
  expiresAt: string | null;
  scope: string | null;
}

/** Random URL-safe values: 32 bytes for `state`, 64 for the PKCE verifier (RFC 7636 §4.1: 43–128 chars). */
export const newState = (): string => randomBytes(32).toString('base64url');
export const newCodeVerifier = (): string => randomBytes(64).toString('base64url');
export const codeChallenge = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');

/** The address the person's browser is sent to (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export function authorizationUrl(
  client: OAuth2Client,
  flow: { state: string; codeVerifier: string },
): string {
  const url = new URL(client.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', client.redirectUri);
  url.searchParams.set('scope', client.scopes.join(' '));
  url.searchParams.set('state', flow.state);
  if (client.pkce !== false) {
    url.searchParams.set('code_challenge', codeChallenge(flow.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

/** RFC 6749 §5.1; `expires_in` is a number of seconds, sometimes sent as a string. */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().nullish(),
  expires_in: z.coerce.number().positive().nullish(),
  scope: z.string().nullish(),
});
/** RFC 6749 §5.2. */
const TokenErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** Grants whose failure means the person must sign in again (RFC 6749 §5.2). */
const RECONNECT_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_scope']);

const whoOf = (client: OAuth2Client) =>
  client.account ? `Channel ${client.account}` : `The ${client.networkName} channel`;

async function tokenRequest(
  http: HttpClient,
  client: OAuth2Client,
  clock: Clock,
  params: Record<string, string>,
): Promise<TokenSet> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': 'Chorus',
  };
  const auth = client.clientAuth ?? 'body';
  form.set('client_id', client.clientId);
  if (auth === 'body' && client.clientSecret) form.set('client_secret', client.clientSecret);
  if (auth === 'basic' && client.clientSecret) {
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const who = whoOf(client);
  const name = client.networkName;
  const res = await http(client.tokenUrl, {
    method: 'POST',
    headers,
    body: form.toString(),
    timeoutMs: 20_000,
    maxBytes: 256 * 1024,
    maxRedirects: 0,
  }).catch((error: unknown) => {
    const mapped = mapTransportError(client.network, error);
    // A token request that may have been accepted is, for a rotating server, a lost refresh token; the
    // person learns it on the next attempt (invalid_grant → reconnect). Nothing is published by it.
    throw mapped.kind === 'unknown_outcome'
      ? new NetworkError(client.network, 'transient', `The token request failed: ${mapped.message}`)
      : mapped;
  });
  let body: unknown;
  try {
    body = res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : undefined;
  } catch {
    body = undefined;
  }
  const now = clock.now();
  if (res.status >= 200 && res.status < 300) {
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      throw new NetworkError(
        client.network,
        'transient',
        `The ${name} token endpoint answered without an access token; Chorus will try again.`,
        { status: res.status },
      );
    }
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token ? t.refresh_token : null,
      expiresAt: t.expires_in ? new Date(now.getTime() + t.expires_in * 1000).toISOString() : null,
      scope: t.scope ?? null,
    };
  }
  const error = TokenErrorBody.safeParse(body);
  if (res.status === 429) {
    const resetAt = retryAfter(res.headers['retry-after'] as string | undefined, now);
    throw new NetworkError(
      client.network,
      'rate_limited',
      `The ${name} token endpoint is rate limiting Chorus.`,
      { status: 429, ...(resetAt ? { resetAt } : {}) },
    );
  }
  if (res.status >= 500) {
    throw new NetworkError(
      client.network,
      'transient',
      `The ${name} token endpoint failed (${res.status}); Chorus will try again.`,
      { status: res.status },
    );
  }
  if (error.success && RECONNECT_ERRORS.has(error.data.error)) {
    throw new NetworkError(
      client.network,
      'reconnect_required',
      `${who} needs reconnecting: ${name} refused the authorization (${error.data.error}${error.data.error_description ? `: ${error.data.error_description}` : ''}). Reconnect it in Settings → Channels.`,
      { status: res.status },
    );
  }
  throw new NetworkError(
    client.network,
    res.status === 401 || res.status === 403 ? 'reconnect_required' : 'transient',
    `The ${name} token endpoint refused the request (${res.status}${error.success ? ` ${error.data.error}` : ''}).`,
    { status: res.status },
  );
}

/** Trades the authorization code for tokens (RFC 6749 §4.1.3), proving the PKCE verifier. */
export function exchangeCode(
  http: HttpClient,
  client: OAuth2Client,
  clock: Clock,
  flow: { code: string; codeVerifier: string },
): Promise<TokenSet> {
  return tokenRequest(http, client, clock, {
    grant_type: 'authorization_code',
    code: flow.code,
    redirect_uri: client.redirectUri,
    ...(client.pkce !== false ? { code_verifier: flow.codeVerifier } : {}),
  });
}

/**
 * Refreshes (RFC 6749 §6). The answer is merged with what was stored: a server that does not rotate
 * (no refresh_token, or an empty one) keeps the stored refresh token — an empty value never overwrites one.
 */
export async function refreshTokens(
  http: HttpClient,
  client: OAuth2Client,
  clock: Clock,
  current: TokenSet,
): Promise<TokenSet> {
  if (!current.refreshToken) {
    throw new NetworkError(
      client.network,
      'reconnect_required',
      `${whoOf(client)} needs reconnecting: its access has expired and ${client.networkName} gave no way to renew it. Reconnect it in Settings → Channels.`,
    );
  }
  const next = await tokenRequest(http, client, clock, {
    grant_type: 'refresh_token',
    refresh_token: current.refreshToken,
  });
  return {
    accessToken: next.accessToken,
    refreshToken: next.refreshToken ?? current.refreshToken,
    expiresAt: next.expiresAt,
    scope: next.scope ?? current.scope,
  };
}

const StoredTokens = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullable(),
  expiresAt: z.string().nullable(),
  scope: z.string().nullable(),
});

function parseStored(value: string | undefined): TokenSet | undefined {
  if (!value) return undefined;
  try {
    const parsed = StoredTokens.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A channel's tokens over its session store: hands out an access token, refreshing it `refreshAheadMs`
 * before it expires. One refresh at a time per session; before refreshing it re-reads the store, so a
 * token another process has just refreshed is used instead of refreshing again; and if the server says
 * the refresh token is no longer valid while the store holds a newer one (another process rotated it),
 * the newer one is used.
 */
export class OAuth2Session {
  #refreshing: Promise<TokenSet> | undefined;
  #current: TokenSet | undefined;

  constructor(
    private readonly client: OAuth2Client,
    private readonly deps: { http: HttpClient; clock: Clock; store: SessionStore },
    /** The token set from the authorization, used until the store holds one. */
    private readonly initial: TokenSet,
    private readonly refreshAheadMs = 5 * 60_000,
  ) {}

  private async load(): Promise<TokenSet> {
    return parseStored(await this.deps.store.load()) ?? this.initial;
  }

  private due(tokens: TokenSet): boolean {
    if (!tokens.expiresAt) return false;
    return Date.parse(tokens.expiresAt) - this.refreshAheadMs <= this.deps.clock.now().getTime();
  }

  /** The current token set, refreshed first if it is about to expire. */
  async tokens(): Promise<TokenSet> {
    const tokens = this.#current ?? (this.#current = await this.load());
    if (!this.due(tokens)) return tokens;
    return this.refresh();
  }

  async accessToken(): Promise<string> {
    return (await this.tokens()).accessToken;
  }

  /** When the access token stops working, if the server said. */
  async expiresAt(): Promise<Date | undefined> {
    const at = (await this.tokens()).expiresAt;
    return at ? new Date(at) : undefined;
  }

  /** Refreshes now (also after a 401 on a token thought valid). */
  refresh(): Promise<TokenSet> {
    this.#refreshing ??= this.doRefresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  private async doRefresh(): Promise<TokenSet> {
    const stored = await this.load();
    if (this.#current && stored.accessToken !== this.#current.accessToken && !this.due(stored)) {
      return (this.#current = stored);
    }
    try {
      return await this.save(await refreshTokens(this.deps.http, this.client, this.deps.clock, stored));
    } catch (error) {
      if (!(error instanceof NetworkError) || error.kind !== 'reconnect_required') throw error;
      const latest = await this.load();
      if (!latest.refreshToken || latest.refreshToken === stored.refreshToken) throw error;
      // Someone else rotated the refresh token between our read and our request: theirs is the live one.
      if (!this.due(latest)) return (this.#current = latest);
      return this.save(await refreshTokens(this.deps.http, this.client, this.deps.clock, latest));
    }
  }

  private async save(tokens: TokenSet): Promise<TokenSet> {
    await this.deps.store.save(JSON.stringify(tokens));
    return (this.#current = tokens);
  }
}
