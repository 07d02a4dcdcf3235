import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { ManualClock } from '../core/clock.js';
import { safeFetch } from '../egress/safe-fetch.js';
import { startReceiver, type ReceivedRequest } from '../../test/support/receiver.js';
import type { HttpClient, SessionStore } from './contract.js';
import { NetworkError } from './errors.js';
import {
  authorizationUrl,
  exchangeCode,
  newCodeVerifier,
  newState,
  OAuth2Session,
  type OAuth2Client,
  type TokenSet,
} from './oauth2.js';

/**
 * The shared OAuth 2 helper against a loopback token endpoint that answers as RFC 6749 describes; each
 * test says how it answers (rotating or not, an empty refresh token, invalid_grant, 5xx, 429, a hang).
 */
type Answer = (form: URLSearchParams, res: ServerResponse) => void;
let answer: Answer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let client: OAuth2Client;
let http: HttpClient;
const clock = new ManualClock(new Date('2026-11-26T10:00:00Z'));
const forms = () =>
  receiver.requests.filter((r) => r.path === '/token').map((r) => new URLSearchParams(r.body));

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** A session store as the vault keeps it: one value, replaced whole. */
function memoryStore(initial?: TokenSet) {
  let value = initial ? JSON.stringify(initial) : undefined;
  const writes: string[] = [];
  const store: SessionStore = {
    load: async () => value,
    save: async (v) => {
      writes.push(v);
      value = v;
    },
  };
  return { store, writes, current: () => (value ? (JSON.parse(value) as TokenSet) : undefined) };
}

const tokens = (over: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
  scope: 'write',
  ...over,
});

beforeAll(async () => {
  receiver = await startReceiver((req: ReceivedRequest, res) => answer(new URLSearchParams(req.body), res));
  http = (url, request) =>
    safeFetch(
      url,
      { ...request, timeoutMs: 500 },
      { allowPrivate: false, allowList: [new URL(receiver.url).host] },
    );
  client = {
    network: 'example',
    networkName: 'Example',
    account: '@acme',
    authorizeUrl: `${receiver.url}/authorize`,
    tokenUrl: `${receiver.url}/token`,
    clientId: 'client-1',
    clientSecret: 'client-secret-1',
    redirectUri: 'http://127.0.0.1:9/oauth/callback',
    scopes: ['read', 'write'],
  };
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
});

describe('authorization code with PKCE', () => {
  it('sends the person with a one-time state and an S256 challenge of the verifier', () => {
    const state = newState();
    const codeVerifier = newCodeVerifier();
    expect(codeVerifier.length).toBeGreaterThanOrEqual(43);
    expect(newState()).not.toBe(state);
    const url = new URL(authorizationUrl(client, { state, codeVerifier }));
    expect(url.origin + url.pathname).toBe(`${receiver.url}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'http://127.0.0.1:9/oauth/callback',
      scope: 'read write',
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
  });

  it('trades the code with the verifier and reads the lifetime against the clock', async () => {
    answer = (_f, res) =>
      json(res, 200, { access_token: 'a', token_type: 'Bearer', refresh_token: 'r', expires_in: '7200' });
    const set = await exchangeCode(http, client, clock, { code: 'the-code', codeVerifier: 'v'.repeat(50) });
    expect(set).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: new Date(clock.now().getTime() + 7_200_000).toISOString(),
      scope: null,
    });
    expect(Object.fromEntries(forms()[0]!)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://127.0.0.1:9/oauth/callback',
      code_verifier: 'v'.repeat(50),
      client_id: 'client-1',
      client_secret: 'client-secret-1',
    });
  });

  it('maps a refused code to reconnect_required and never echoes the secrets', async () => {
    answer = (_f, res) => json(res, 400, { error: 'invalid_grant', error_description: 'code expired' });
    const error = await exchangeCode(http, client, clock, { code: 'c', codeVerifier: 'v'.repeat(50) }).catch(
      (e: unknown) => e as NetworkError,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ kind: 'reconnect_required', status: 400 });
    expect((error as Error).message).toContain('invalid_grant: code expired');
    expect((error as Error).message).not.toContain('client-secret-1');
  });

  it('treats a success without an access token as a transient failure', async () => {
    answer = (_f, res) => json(res, 200, { token_type: 'Bearer' });
    await expect(
      exchangeCode(http, client, clock, { code: 'c', codeVerifier: 'v'.repeat(50) }),
    ).rejects.toMatchObject({
      kind: 'transient',
    });
  });
});

describe('OAuth2Session', () => {
  it('uses a token that is not close to expiry without asking the server', async () => {
    const { store } = memoryStore();
    const session = new OAuth2Session(client, { http, clock, store }, tokens());
    expect(await session.accessToken()).toBe('access-1');
    expect(forms()).toHaveLength(0);
  });

  it('refreshes ahead of expiry and saves the rotated refresh token in one write', async () => {
    let n = 1;
    answer = (_f, res) =>
      json(res, 200, { access_token: `access-${++n}`, refresh_token: `refresh-${n}`, expires_in: 3600 });
    const { store, writes, current } = memoryStore();
    const soon = tokens({ expiresAt: new Date(clock.now().getTime() + 4 * 60_000).toISOString() });
    const session = new OAuth2Session(client, { http, clock, store }, soon);
    expect(await session.accessToken()).toBe('access-2');
    expect(Object.fromEntries(forms()[0]!)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
    });
    expect(writes).toHaveLength(1);
    expect(current()).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2', scope: 'write' });
    expect(await session.expiresAt()).toEqual(new Date(clock.now().getTime() + 3_600_000));
  });

  it.each([
    ['omits the refresh token', {}],
    ['sends an empty refresh token', { refresh_token: '' }],
    ['sends a null refresh token', { refresh_token: null }],
  ])('keeps the stored refresh token when the server %s', async (_label, extra) => {
    answer = (_f, res) => json(res, 200, { access_token: 'access-new', expires_in: 3600, ...extra });
    const { store, current } = memoryStore(tokens({ expiresAt: clock.now().toISOString() }));
    const session = new OAuth2Session(client, { http, clock, store }, tokens());
    expect(await session.accessToken()).toBe('access-new');
    expect(current()?.refreshToken).toBe('refresh-1');
  });

  it('refreshes once when many callers need a token at the same moment', async () => {
    answer = (_f, res) =>
      setTimeout(
        () => json(res, 200, { access_token: 'access-x', refresh_token: 'refresh-x', expires_in: 60 * 60 }),
        30,
      );
    const { store } = memoryStore();
    const session = new OAuth2Session(
      client,
      { http, clock, store },
      tokens({ expiresAt: clock.now().toISOString() }),
    );
    const got = await Promise.all(Array.from({ length: 5 }, () => session.accessToken()));
    expect(new Set(got)).toEqual(new Set(['access-x']));
    expect(forms()).toHaveLength(1);
  });

  it('uses the token another process has just refreshed instead of refreshing again', async () => {
    let n = 10;
    answer = (_f, res) =>
      json(res, 200, { access_token: `access-${++n}`, refresh_token: `refresh-${n}`, expires_in: 3600 });
    const shared = memoryStore(
      tokens({ expiresAt: new Date(clock.now().getTime() + 10 * 60_000).toISOString() }),
    );
    const a = new OAuth2Session(client, { http, clock, store: shared.store }, tokens());
    const b = new OAuth2Session(client, { http, clock, store: shared.store }, tokens());
    // Both processes hold the same token set; later it comes due and both need a token.
    expect([await a.accessToken(), await b.accessToken()]).toEqual(['access-1', 'access-1']);
    clock.advance(6 * 60_000);
    expect(await a.accessToken()).toBe('access-11');
    expect(await b.accessToken()).toBe('access-11');
    expect(forms().map((f) => f.get('refresh_token'))).toEqual(['refresh-1']);
    expect(shared.current()).toMatchObject({ accessToken: 'access-11', refreshToken: 'refresh-11' });
  });

  it('adopts a refresh token rotated by another process when the server refuses the old one', async () => {
    const shared = memoryStore(tokens({ expiresAt: clock.now().toISOString() }));
    answer = (f, res) => {
      if (f.get('refresh_token') === 'refresh-1') {
        // Another process refreshed between our read and our request: the store now holds its tokens.
        void shared.store.save(
          JSON.stringify(
            tokens({
              accessToken: 'access-other',
              refreshToken: 'refresh-other',
              expiresAt: clock.now().toISOString(),
            }),
          ),
        );
        return json(res, 400, { error: 'invalid_grant' });
      }
      json(res, 200, { access_token: 'access-final', refresh_token: 'refresh-final', expires_in: 3600 });
    };
    const session = new OAuth2Session(client, { http, clock, store: shared.store }, tokens());
    expect(await session.accessToken()).toBe('access-final');
    expect(forms().map((f) => f.get('refresh_token'))).toEqual(['refresh-1', 'refresh-other']);
    expect(shared.current()?.refreshToken).toBe('refresh-final');
  });

  it('asks for reconnecting when the refresh token is revoked, and keeps what was stored', async () => {
    answer = (_f, res) => json(res, 400, { error: 'invalid_grant', error_description: 'revoked' });
    const stored = tokens({ expiresAt: clock.now().toISOString() });
    const shared = memoryStore(stored);
    const session = new OAuth2Session(client, { http, clock, store: shared.store }, tokens());
    const error = await session.accessToken().catch((e: unknown) => e as NetworkError);
    expect(error).toMatchObject({ kind: 'reconnect_required' });
    expect((error as Error).message).toMatch(/^Channel @acme needs reconnecting/);
    expect((error as Error).message).not.toContain('refresh-1');
    expect(shared.current()).toEqual(stored);
  });

  it('asks for reconnecting, without a request, when an expired token has no refresh token', async () => {
    const { store } = memoryStore();
    const session = new OAuth2Session(
      client,
      { http, clock, store },
      tokens({ refreshToken: null, expiresAt: clock.now().toISOString() }),
    );
    await expect(session.accessToken()).rejects.toMatchObject({ kind: 'reconnect_required' });
    expect(forms()).toHaveLength(0);
  });

  it('never refreshes a token without an expiry', async () => {
    const { store } = memoryStore();
    const session = new OAuth2Session(
      client,
      { http, clock, store },
      tokens({ expiresAt: null, refreshToken: null }),
    );
    clock.advance(365 * 24 * 3600_000);
    expect(await session.accessToken()).toBe('access-1');
    expect(await session.expiresAt()).toBeUndefined();
    expect(forms()).toHaveLength(0);
  });

  it.each([
    ['a 5xx', () => (answer = (_f, res) => json(res, 503, {})), 'transient'],
    [
      'a 429',
      () => (answer = (_f, res) => json(res, 429, { error: 'slow_down' }, { 'retry-after': '30' })),
      'rate_limited',
    ],
    ['a hang', () => receiver.failNext('hang'), 'transient'],
  ] as const)('maps %s during a refresh and keeps the stored tokens', async (_label, setup, kind) => {
    setup();
    const stored = tokens({ expiresAt: clock.now().toISOString() });
    const shared = memoryStore(stored);
    const session = new OAuth2Session(client, { http, clock, store: shared.store }, tokens());
    const error = await session.accessToken().catch((e: unknown) => e as NetworkError);
    expect(error).toMatchObject({ kind });
    if (kind === 'rate_limited')
      expect((error as NetworkError).resetAt).toEqual(new Date(clock.now().getTime() + 30_000));
    expect(shared.current()).toEqual(stored);
  });
});
