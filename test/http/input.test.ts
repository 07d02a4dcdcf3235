import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, PASSWORD, type Harness, type TestResponse } from '../support/harness.js';

type Issue = { path: string; message: string; code: string };

/** Every error: the right status, the error shape, a request id and the security headers. */
function expectError(res: TestResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({
    error: expect.objectContaining({ code, message: expect.any(String) }),
  });
  expect(res.body.error.message.length).toBeGreaterThan(10);
  expect(res.headers.get('x-request-id')).toMatch(/^[\w.-]{1,64}$/);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expectSecurityHeaders(res);
}

function expectSecurityHeaders(res: TestResponse) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
}

const issuesOf = (res: TestResponse): Issue[] => res.body.error.details.issues;

describe.each(TEST_TARGETS)('bad input on %s', (target) => {
  let h: Harness;
  let t: Awaited<ReturnType<Harness['tenant']>>;
  beforeAll(async () => {
    h = await createHarness(target, { env: { MAX_BODY_BYTES: '2048' } });
    t = await h.tenant('input');
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  const json = { 'content-type': 'application/json' };

  it('answers malformed JSON with 400 invalid_request', async () => {
    const c = h.client();
    for (const body of ['{"email": "a@example.test", ', "{'email': 1}", 'undefined', '']) {
      const res = await c.raw('POST', '/api/v1/auth/login', { body, headers: json });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.message).toMatch(/not valid JSON/);
    }
    const authed = await t.http.raw('PATCH', `/api/v1/workspaces/${t.workspaceId}`, {
      body: '{"name": }',
      headers: json,
    });
    expectError(authed, 400, 'invalid_request');
  });

  it('rejects unknown body fields and names them', async () => {
    const res = await h
      .client()
      .post('/api/v1/auth/login', { email: 'someone@example.test', password: 'whatever', isAdmin: true });
    expectError(res, 400, 'invalid_request');
    const issues = issuesOf(res);
    expect(issues.length).toBeGreaterThan(0);
    expect(
      issues.some((i) => i.code === 'unrecognized_keys' && `${i.path} ${i.message}`.includes('isAdmin')),
    ).toBe(true);
    expect(res.body.error.message).toContain('isAdmin');

    const patch = await t.http.patch(`/api/v1/workspaces/${t.workspaceId}`, { name: 'Ok', owner: 'me' });
    expectError(patch, 400, 'invalid_request');
    expect(JSON.stringify(issuesOf(patch))).toContain('owner');
    expect((await t.http.get(`/api/v1/workspaces/${t.workspaceId}`)).body.workspace.name).toBe(
      'input workspace',
    );
  });

  it('names missing fields', async () => {
    const res = await h.client().post('/api/v1/auth/login', { email: 'someone@example.test' });
    expectError(res, 400, 'invalid_request');
    expect(issuesOf(res).map((i) => i.path)).toEqual(['body.password']);
    const empty = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {});
    expectError(empty, 400, 'invalid_request');
    expect(
      issuesOf(empty)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['body.email', 'body.role']);
  });

  it('names fields of the wrong type', async () => {
    const res = await h.client().post('/api/v1/auth/login', { email: 42, password: true });
    expectError(res, 400, 'invalid_request');
    expect(
      issuesOf(res)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['body.email', 'body.password']);
    const tokens = await t.http.post('/api/v1/tokens', {
      name: 'x',
      workspaceIds: t.workspaceId,
      permissions: ['workspace.read'],
      expiresInDays: 1.5,
    });
    expectError(tokens, 400, 'invalid_request');
    expect(
      issuesOf(tokens)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['body.expiresInDays', 'body.workspaceIds']);
    const role = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {
      email: 'not-an-address',
      role: 'emperor',
    });
    expectError(role, 400, 'invalid_request');
    expect(
      issuesOf(role)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['body.email', 'body.role']);
    for (const body of ['null', '[]', '"text"', '7']) {
      expectError(
        await h.client().raw('POST', '/api/v1/auth/login', { body, headers: json }),
        400,
        'invalid_request',
      );
    }
  });

  it('wants JSON bodies sent as JSON', async () => {
    const body = JSON.stringify({ email: t.email, password: PASSWORD });
    for (const headers of [
      { 'content-type': 'text/plain' } as Record<string, string>,
      { 'content-type': 'application/x-www-form-urlencoded' },
      {},
    ]) {
      const res = await h.client().raw('POST', '/api/v1/auth/login', { body, headers });
      expectError(res, 415, 'unsupported_media_type');
      expect(res.body.error.message).toContain('application/json');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const charset = await h.client().raw('POST', '/api/v1/auth/login', {
      body,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(charset.status, charset.text).toBe(200);
  });

  it('refuses bodies larger than MAX_BODY_BYTES with 413', async () => {
    expect(h.config.MAX_BODY_BYTES).toBe(2048);
    const big = JSON.stringify({ email: t.email, password: 'p'.repeat(3000) });
    const streamed = await h.client().raw('POST', '/api/v1/auth/login', { body: big, headers: json });
    expectError(streamed, 413, 'payload_too_large');
    expect(streamed.body.error.message).toContain('2048');
    const declared = await h.client().raw('POST', '/api/v1/auth/login', {
      body: big,
      headers: { ...json, 'content-length': String(Buffer.byteLength(big)) },
    });
    expectError(declared, 413, 'payload_too_large');
    const authed = await t.http.raw('PATCH', `/api/v1/workspaces/${t.workspaceId}`, {
      body: JSON.stringify({ name: 'n'.repeat(2100) }),
      headers: json,
    });
    expectError(authed, 413, 'payload_too_large');
    // Just under the limit is fine (and then fails validation on its own terms).
    const under = await t.http.patch(`/api/v1/workspaces/${t.workspaceId}`, { name: 'n'.repeat(1900) });
    expectError(under, 400, 'invalid_request');
    expect(issuesOf(under).map((i) => i.path)).toEqual(['body.name']);
  });

  it('validates path ids and query parameters', async () => {
    const badId = await t.http.get('/api/v1/workspaces/not-a-uuid');
    expectError(badId, 400, 'invalid_request');
    expect(issuesOf(badId).map((i) => i.path)).toEqual(['path.workspaceId']);
    const badMember = await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/members/12345`);
    expectError(badMember, 400, 'invalid_request');
    expect(issuesOf(badMember).map((i) => i.path)).toEqual(['path.userId']);
    expectError(await t.http.delete('/api/v1/tokens/..%2F..%2Fetc'), 400, 'invalid_request');
    expectError(await t.http.get("/api/v1/workspaces/1'%20OR%20'1'='1/members"), 400, 'invalid_request');

    const audit = `/api/v1/workspaces/${t.workspaceId}/audit-events`;
    const unknown = await t.http.get(`${audit}?sort=desc`);
    expectError(unknown, 400, 'invalid_request');
    expect(JSON.stringify(issuesOf(unknown))).toContain('sort');
    for (const limit of ['0', '-1', '201', 'ten', '1.5']) {
      const res = await t.http.get(`${audit}?limit=${limit}`);
      expectError(res, 400, 'invalid_request');
      expect(issuesOf(res).map((i) => i.path)).toEqual(['query.limit']);
    }
    const ok = await t.http.get(`${audit}?limit=1`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.events).toHaveLength(1);
    expect(ok.body.nextCursor).toEqual(expect.any(String));
    const next = await t.http.get(`${audit}?limit=1&before=${ok.body.nextCursor}`);
    expect(next.status, next.text).toBe(200);
    expect(next.body.events).toHaveLength(1);
    expect(next.body.events[0].id).not.toBe(ok.body.events[0].id);
  });

  it('treats a forged audit cursor as bad input, not a server error', async () => {
    const audit = `/api/v1/workspaces/${t.workspaceId}/audit-events`;
    const cursor = (raw: string) => Buffer.from(raw).toString('base64url');
    const serverErrors: string[] = [];
    for (const before of [
      '%%not a cursor%%',
      cursor('2020-01-01T00:00:00.000Z|not-a-uuid'),
      cursor("2020-01-01T00:00:00.000Z|' OR 1=1 --"),
      cursor('0|ffffffff-ffff-7fff-bfff-ffffffffffff'),
      cursor('+275760-09-13T00:00:00.000Z|ffffffff-ffff-7fff-bfff-ffffffffffff'),
    ]) {
      const res = await t.http.get(`${audit}?before=${encodeURIComponent(before)}`);
      if (res.status >= 500)
        serverErrors.push(`${Buffer.from(before, 'base64url').toString()} → ${res.status}`);
      else if (res.status !== 200) expectError(res, 400, 'invalid_request');
    }
    expect(serverErrors).toEqual([]);
  });

  it('answers unknown API paths with the error shape and other paths with plain 404', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/nope'],
      ['GET', '/api/v2/me'],
      ['DELETE', '/api/v1/me'],
    ] as const) {
      const res = await h.client().raw(method, url);
      expectError(res, 404, 'not_found');
      expect(res.body.error.message).toContain('openapi.json');
    }
    const web = await h.client().get('/anything');
    expect(web.status).toBe(404);
    expect(web.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(web.text).toMatch(/web app is not built/);
    expect(web.headers.get('x-request-id')).toBeTruthy();
    expectSecurityHeaders(web);
    const deep = await h.client().get('/some/../../etc/passwd');
    expect(deep.status).toBe(404);
  });

  it('asks for authentication with 401', async () => {
    const res = await h.client().get('/api/v1/me');
    expectError(res, 401, 'unauthenticated');
    expect(res.body.error.message).toMatch(/log in/i);
    expectError(
      await h.client().get('/api/v1/me', { headers: { cookie: 'chorus_session=forged-session-value' } }),
      401,
      'unauthenticated',
    );
    for (const authorization of ['Basic x', 'Basic dXNlcjpwYXNz', 'Bearer', '']) {
      expectError(await h.client().get('/api/v1/me', { headers: { authorization } }), 401, 'unauthenticated');
    }
    expectError(await h.client().get(`/api/v1/workspaces/${t.workspaceId}`), 401, 'unauthenticated');
  });

  it('sends security headers on every kind of response', async () => {
    const ok = await t.http.get('/api/v1/me');
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok);
    expect(ok.headers.get('referrer-policy')).toBe('no-referrer');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(await h.client().get('/healthz'));
    // The API description names fields such as "password", which the client's leak scanner refuses; it
    // is fetched straight from the app.
    const doc = await h.app.request('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expectSecurityHeaders({ status: doc.status, body: null, text: '', headers: doc.headers });
  });

  it('echoes a well-formed X-Request-Id and replaces anything else', async () => {
    const echoed = await h.client().get('/api/v1/me', { headers: { 'x-request-id': 'trace-abc.123_X' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc.123_X');
    const okBody = await t.http.get('/api/v1/me', { headers: { 'x-request-id': 'ok-request-1' } });
    expect(okBody.headers.get('x-request-id')).toBe('ok-request-1');
    for (const bad of ['has spaces in it', '<script>alert(1)</script>', 'x'.repeat(65), 'a/b', 'ü']) {
      const res = await h.client().get('/api/v1/me', { headers: { 'x-request-id': bad } });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[\w-]{8,64}$/);
      expect(id).not.toBe(bad);
    }
    const a = await h.client().get('/healthz');
    const b = await h.client().get('/healthz');
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('never answers junk with a 5xx on any route', async () => {
    type Junk = { body?: string; headers: Record<string, string> };
    const junk: Junk[] = [
      { body: '{', headers: json },
      { body: 'null', headers: json },
      { body: '[1,2,3]', headers: json },
      { body: '{"__proto__": {"admin": true}}', headers: json },
      { body: JSON.stringify({ a: { b: { c: { d: { e: [[[[[]]]]] } } } } }), headers: json },
      { body: '"\\ud800"', headers: json },
      { body: 'x'.repeat(4096), headers: json },
      { body: '{}', headers: { 'content-type': 'text/csv' } },
    ];
    // A second session of the same owner walks the routes, so t.http stays as it was.
    const c = h.client();
    await c.login(t.email);
    const walked: string[] = [];
    for (const route of ROUTES) {
      // Logging out needs no body and would end the walking session.
      if (route.path === '/api/v1/auth/logout') continue;
      const url = route.path.replace(/:(\w+)/g, (_, name: string) =>
        name === 'workspaceId' ? t.workspaceId : 'ffffffff-ffff-7fff-bfff-ffffffffffff',
      );
      const method = route.method.toUpperCase();
      // GET requests carry no body; they get the junk query string only.
      for (const input of method === 'GET' ? [{ headers: {} } as Junk] : junk) {
        const res = await c.raw(method, `${url}?junk=%00`, input);
        const label = `${method} ${route.path} with ${input.body?.slice(0, 30) ?? 'no body'}`;
        expect(res.status, `${label} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.body?.error?.code, label).toEqual(expect.any(String));
      }
      walked.push(`${method} ${route.path}`);
    }
    expect(walked).toHaveLength(ROUTES.length - 1);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    // The junk did not end the session or change the workspace.
    const me = await t.http.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.workspaces[0].name).toBe('input workspace');
  });
});
