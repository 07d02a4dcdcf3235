import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart, render } from './wire.js';

/**
 * A loopback stand-in for a Mastodon server, answering as the REST API documents
 * (https://docs.joinmastodon.org/methods/) with the entity examples stored in ../fixtures/. It keeps what was
 * posted, renders status HTML the way Mastodon does (paragraphs, <br />, shortened links, hashtag links),
 * honours Idempotency-Key, and can be told to answer the next request some other way.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- fixtures are JSON documents */
export const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));

export const GOOD_TOKEN = 'stand-in-access-token-0123456789abcdefghij';
export const REVOKED_TOKEN = 'revoked-access-token-0123456789abcdefghij';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
export interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
const bigger = (a: string, b: string) => BigInt(a) > BigInt(b);

export async function startMastodonStandIn() {
  const requests: SeenRequest[] = [];
  const answers: { match: string; res: Canned }[] = [];
  const hanging: ServerResponse[] = [];
  let failure: 'rate_limited' | 'server_error' | 'hang' | undefined;
  let nextId = 110_000_000_000_000_000n;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  const instance = fixture('instance');
  const me = {
    ...fixture('account'),
    id: '109000000000000001',
    username: 'acme',
    acct: 'acme',
    display_name: 'Acme',
  };
  const remote = fixture('account');
  const notifications: any[] = fixture('notifications');
  const statuses = new Map<string, any>();
  for (const s of [fixture('status'), ...fixture('search').statuses, ...notifications.map((n) => n.status)])
    statuses.set(s.id, s);
  const created: string[] = [];
  const sources = new Map<string, string>();
  const idempotency = new Map<string, string>();
  const media = new Map<string, any>();
  const state = { asyncMedia: false };
  /**
   * The OAuth side (https://docs.joinmastodon.org/methods/apps/, https://docs.joinmastodon.org/methods/oauth/):
   * registered apps, authorization codes bound to their PKCE challenge, and the tokens in force. Real
   * Mastodon issues tokens that never expire; `expiresIn` makes it issue expiring tokens with rotating
   * refresh tokens, as other OAuth servers do, to exercise refreshing.
   */
  const oauth = {
    apps: new Map<string, { secret: string; redirectUris: string[]; scopes: string[] }>(),
    codes: new Map<
      string,
      { clientId: string; redirectUri: string; challenge: string | null; scope: string; used: boolean }
    >(),
    tokens: new Set<string>([GOOD_TOKEN]),
    refresh: new Map<string, { clientId: string; scope: string }>(),
    expiresIn: undefined as number | undefined,
    denyNext: false,
  };
  const token = () => randomBytes(32).toString('base64url');
  function issue(clientId: string, scope: string) {
    const access = token();
    oauth.tokens.add(access);
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: 'Bearer',
      scope,
      created_at: Math.floor(Date.now() / 1000),
    };
    if (oauth.expiresIn) {
      const refresh = token();
      oauth.refresh.set(refresh, { clientId, scope });
      Object.assign(body, { expires_in: oauth.expiresIn, refresh_token: refresh });
    }
    return body;
  }
  const form = (req: SeenRequest): URLSearchParams =>
    String(req.headers['content-type']).startsWith('application/json')
      ? new URLSearchParams(JSON.parse(req.body.toString('utf8')) as Record<string, string>)
      : new URLSearchParams(req.body.toString('utf8'));
  function oauthRoute(req: SeenRequest): Canned | undefined {
    const [method, path] = [req.method, req.path];
    if (method === 'POST' && path === '/api/v1/apps') {
      const f = form(req);
      const redirectUris = (f.get('redirect_uris') ?? '').split(/\s+/).filter(Boolean);
      if (!f.get('client_name') || redirectUris.length === 0)
        return { status: 422, body: { error: "Validation failed: Application name can't be blank" } };
      const clientId = token();
      const secret = token();
      const scopes = (f.get('scopes') ?? 'read').split(/\s+/);
      oauth.apps.set(clientId, { secret, redirectUris, scopes });
      return {
        status: 200,
        body: {
          id: String(nextId++),
          name: f.get('client_name'),
          website: f.get('website'),
          scopes,
          redirect_uris: redirectUris,
          redirect_uri: redirectUris.join('\n'),
          client_id: clientId,
          client_secret: secret,
          client_secret_expires_at: 0,
        },
      };
    }
    if (method === 'GET' && path === '/oauth/authorize') {
      // A person signed in as @acme presses Authorize (or Deny) on the consent page.
      const app = oauth.apps.get(q(req, 'client_id'));
      const redirectUri = q(req, 'redirect_uri');
      if (!app || !app.redirectUris.includes(redirectUri) || q(req, 'response_type') !== 'code')
        return { status: 400, body: { error: 'invalid_request' } };
      const back = new URL(redirectUri);
      back.searchParams.set('state', q(req, 'state'));
      if (oauth.denyNext) {
        oauth.denyNext = false;
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set(
          'error_description',
          'The resource owner or authorization server denied the request.',
        );
      } else {
        const method = req.query.get('code_challenge_method');
        if (req.query.get('code_challenge') && method !== 'S256')
          return { status: 400, body: { error: 'invalid_request' } };
        const code = token();
        oauth.codes.set(code, {
          clientId: q(req, 'client_id'),
          redirectUri,
          challenge: req.query.get('code_challenge'),
          scope: q(req, 'scope') || 'read',
          used: false,
        });
        back.searchParams.set('code', code);
      }
      return { status: 302, headers: { location: back.toString() } };
    }
    if (method === 'POST' && path === '/oauth/token') {
      const f = form(req);
      const clientId = f.get('client_id') ?? '';
      const app = oauth.apps.get(clientId);
      const invalid = (error: string, status = 400): Canned => ({
        status,
        body: { error, error_description: `stand-in: ${error}` },
      });
      if (!app || f.get('client_secret') !== app.secret) return invalid('invalid_client', 401);
      if (f.get('grant_type') === 'authorization_code') {
        const grant = oauth.codes.get(f.get('code') ?? '');
        if (
          !grant ||
          grant.used ||
          grant.clientId !== clientId ||
          grant.redirectUri !== f.get('redirect_uri')
        )
          return invalid('invalid_grant');
        grant.used = true;
        if (grant.challenge) {
          const proof = createHash('sha256')
            .update(f.get('code_verifier') ?? '')
            .digest('base64url');
          if (proof !== grant.challenge) return invalid('invalid_grant');
        }
        return { status: 200, body: issue(clientId, grant.scope) };
      }
      if (f.get('grant_type') === 'refresh_token') {
        const held = oauth.refresh.get(f.get('refresh_token') ?? '');
        if (!held || held.clientId !== clientId) return invalid('invalid_grant');
        oauth.refresh.delete(f.get('refresh_token') ?? '');
        return { status: 200, body: issue(clientId, held.scope) };
      }
      return invalid('unsupported_grant_type');
    }
    return undefined;
  }

  const q = (req: SeenRequest, name: string) => req.query.get(name) ?? '';
  function route(req: SeenRequest): Canned {
    const ok = (body: unknown, status = 200): Canned => ({ status, body });
    const notFound: Canned = { status: 404, body: { error: 'Record not found' } };
    const [method, path] = [req.method, req.path];
    if (method === 'GET' && path === '/api/v2/instance') return ok(instance);
    const signIn = oauthRoute(req);
    if (signIn) return signIn;
    if (!oauth.tokens.has(String(req.headers.authorization).replace(/^Bearer /, '')))
      return { status: 401, body: { error: 'The access token is invalid' } };
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') return ok(me);
    if (method === 'POST' && path === '/api/v2/media') {
      const fields = parseMultipart(req.body, String(req.headers['content-type']));
      const file = fields.find((f) => f.name === 'file');
      if (!file) return { status: 422, body: { error: 'Validation failed: File content type is invalid' } };
      const id = String(nextId++);
      const focus = fields
        .find((f) => f.name === 'focus')
        ?.data.toString('utf8')
        .split(',')
        .map(Number);
      const attachment = {
        ...fixture('media'),
        id,
        description: fields.find((f) => f.name === 'description')?.data.toString('utf8') ?? null,
        meta: { focus: focus ? { x: focus[0], y: focus[1] } : { x: 0, y: 0 } },
      };
      media.set(id, attachment);
      return state.asyncMedia ? ok({ ...attachment, url: null }, 202) : ok(attachment);
    }
    const mediaId = /^\/api\/v1\/media\/(\d+)$/.exec(path)?.[1];
    if (method === 'GET' && mediaId) return media.has(mediaId) ? ok(media.get(mediaId)) : notFound;
    if (method === 'POST' && path === '/api/v1/statuses') {
      const key = String(req.headers['idempotency-key'] ?? '');
      if (key && idempotency.has(key)) return ok(statuses.get(idempotency.get(key)!));
      const body = JSON.parse(req.body.toString('utf8'));
      if (!body.status && !body.media_ids?.length)
        return { status: 422, body: { error: "Validation failed: Text can't be blank" } };
      const parent = body.in_reply_to_id ? statuses.get(body.in_reply_to_id) : undefined;
      if (body.in_reply_to_id && !parent) return notFound;
      const id = String(nextId++);
      const status = {
        ...fixture('status'),
        id,
        created_at: new Date().toISOString(),
        in_reply_to_id: parent?.id ?? null,
        in_reply_to_account_id: parent?.account.id ?? null,
        spoiler_text: body.spoiler_text ?? '',
        visibility: body.visibility ?? 'public',
        language: body.language ?? null,
        uri: `${base}/users/acme/statuses/${id}`,
        url: `${base}/@acme/${id}`,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        content: render(body.status ?? '', base),
        account: me,
        media_attachments: (body.media_ids ?? []).map((m: string) => media.get(m)),
        poll: body.poll
          ? { id: String(nextId++), multiple: !!body.poll.multiple, options: body.poll.options }
          : null,
      };
      statuses.set(id, status);
      sources.set(id, body.status ?? '');
      created.push(body.status ?? '');
      if (key) idempotency.set(key, id);
      return ok(status);
    }
    const statusId = /^\/api\/v1\/statuses\/(\d+)$/.exec(path)?.[1];
    if (statusId && (method === 'GET' || method === 'DELETE')) {
      const status = statuses.get(statusId);
      if (!status) return notFound;
      if (method === 'GET') return ok(status);
      statuses.delete(statusId);
      return ok({ ...status, text: sources.get(statusId) ?? '' });
    }
    if (method === 'GET' && path === '/api/v1/notifications') {
      const q = req.query;
      const types = q.getAll('types[]');
      const limit = Math.min(Number(q.get('limit') ?? 40), 80);
      const list = notifications
        .filter((n) => types.length === 0 || types.includes(n.type))
        .filter((n) => !q.get('since_id') || bigger(n.id, q.get('since_id')!))
        .filter((n) => !q.get('max_id') || bigger(q.get('max_id')!, n.id))
        .sort((a, b) => (bigger(a.id, b.id) ? -1 : 1));
      return ok(list.slice(0, limit));
    }
    if (method === 'GET' && path === '/api/v1/accounts/lookup') {
      const acct = q(req, 'acct');
      const known = [me, fixture('status').account].find((a) => a.acct.toLowerCase() === acct.toLowerCase());
      return known ? ok(known) : notFound;
    }
    if (method === 'GET' && path === '/api/v2/search') {
      if (q(req, 'type') === 'statuses') return ok(fixture('search'));
      const found = q(req, 'resolve') === 'true' && q(req, 'q').replace(/^@/, '') === remote.acct;
      return ok({ accounts: found ? [remote] : [], statuses: [], hashtags: [] });
    }
    if (method === 'GET' && path.startsWith('/api/v1/timelines/tag/')) return ok(fixture('search').statuses);
    return { status: 404, body: { error: 'Not Found' } };
  }

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const seen = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(seen);
      const f = failure;
      failure = undefined;
      if (f === 'hang') return void hanging.push(res);
      if (f === 'server_error') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      }
      const limit = {
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': f === 'rate_limited' ? '0' : String(Math.max(0, 300 - requests.length)),
        'x-ratelimit-reset': new Date(Date.now() + (f === 'rate_limited' ? 60_000 : 300_000)).toISOString(),
      };
      const canned = answers.findIndex((a) => `${seen.method} ${seen.path}`.startsWith(a.match));
      const answer: Canned =
        f === 'rate_limited'
          ? { status: 429, body: { error: 'Too many requests' } }
          : canned >= 0
            ? answers.splice(canned, 1)[0]!.res
            : route(seen);
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        ...limit,
        ...answer.headers,
      });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });

  return {
    url: base,
    host: `127.0.0.1:${port}`,
    requests,
    instance,
    state,
    oauth,
    /** Lets a token stop working, as when the person revokes the app on their server. */
    revoke: (accessToken: string) => oauth.tokens.delete(accessToken),
    /** Texts of the statuses created, in order. */
    created,
    /** Requests matching "METHOD /path" (a prefix). */
    seen: (match: string) => requests.filter((r) => `${r.method} ${r.path}`.startsWith(match)),
    /** The next request matching "METHOD /path" gets this answer instead. */
    answerNext(match: string, res: Canned) {
      answers.push({ match, res });
    },
    failNext(how: 'rate_limited' | 'server_error' | 'hang') {
      failure = how;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type MastodonStandIn = Awaited<ReturnType<typeof startMastodonStandIn>>;
