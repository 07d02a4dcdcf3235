import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, PASSWORD, type Harness } from '../support/harness.js';

describe.each(TEST_TARGETS)('auth and sessions on %s', (target) => {
  let h: Harness;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    h = await createHarness(target, { clock });
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  it('first-run setup creates the owner once, logs them in, then refuses', async () => {
    const c = h.client();
    expect((await c.get('/api/v1/setup')).body).toEqual({ needsSetup: true });
    const body = {
      name: 'Ada',
      email: 'ada@example.test',
      password: PASSWORD,
      organizationName: 'Acme',
      workspaceName: 'Acme brand',
    };
    const res = await c.post('/api/v1/setup', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(
      /chorus_session=.+HttpOnly.*SameSite=Lax|chorus_session=.+SameSite=Lax.*HttpOnly/i,
    );
    const me = await c.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('ada@example.test');
    expect(me.body.workspaces[0]).toMatchObject({ name: 'Acme brand', role: 'owner' });
    expect((await h.client().get('/api/v1/setup')).body).toEqual({ needsSetup: false });
    const again = await h.client().post('/api/v1/setup', { ...body, email: 'eve@example.test' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('wrong password is 401 with the error shape; unknown user likewise', async () => {
    const t = await h.tenant('wrongpw');
    const c = h.client();
    const bad = await c.post('/api/v1/auth/login', { email: t.email, password: 'not the password at all' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      error: { code: 'unauthenticated', message: expect.stringContaining('wrong') },
    });
    const nobody = await c.post('/api/v1/auth/login', {
      email: 'nobody@example.test',
      password: 'whatever password',
    });
    expect(nobody.status).toBe(401);
  });

  it('locks an account after repeated failures, with Retry-After, and unlocks after the wait', async () => {
    const t = await h.tenant('lockout');
    const c = h.client();
    for (let i = 0; i < 5; i++) {
      expect(
        (await c.post('/api/v1/auth/login', { email: t.email, password: `wrong password ${i}` })).status,
      ).toBe(401);
    }
    const locked = await c.post('/api/v1/auth/login', { email: t.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(31_000);
    expect((await c.post('/api/v1/auth/login', { email: t.email, password: PASSWORD })).status).toBe(200);
  });

  it('requires the CSRF header on cookie-authenticated mutations', async () => {
    const t = await h.tenant('csrf');
    const noHeader = await t.http.raw('POST', '/api/v1/auth/logout', { headers: { 'x-csrf-token': '' } });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe('csrf_failed');
    const wrong = await t.http.raw('POST', '/api/v1/auth/logout', {
      headers: { 'x-csrf-token': 'forged-token-value' },
    });
    expect(wrong.status).toBe(403);
    expect((await t.http.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await t.http.get('/api/v1/me')).status).toBe(401);
  });

  it('ends sessions after the idle timeout and after the absolute lifetime', async () => {
    const t = await h.tenant('expiry');
    expect((await t.http.get('/api/v1/me')).status).toBe(200);
    clock.advance((h.config.SESSION_IDLE_MINUTES + 1) * 60_000);
    expect((await t.http.get('/api/v1/me')).status).toBe(401);

    const u = await h.tenant('absolute');
    const hours = h.config.SESSION_ABSOLUTE_HOURS;
    // Stay active (every half idle period) until past the absolute lifetime.
    const step = (h.config.SESSION_IDLE_MINUTES / 2) * 60_000;
    let elapsed = 0;
    while (elapsed + step < hours * 3_600_000) {
      clock.advance(step);
      elapsed += step;
      expect((await u.http.get('/api/v1/me')).status).toBe(200);
    }
    clock.advance(hours * 3_600_000 - elapsed + 1000);
    expect((await u.http.get('/api/v1/me')).status).toBe(401);
  });

  it('records logins and failures in the audit log with the address', async () => {
    const t = await h.tenant('audited');
    await h.client().post('/api/v1/auth/login', { email: t.email, password: 'definitely wrong pw' });
    const res = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events?limit=50`);
    expect(res.status).toBe(200);
    const actions = res.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'user.created']));
  });

  it('shows account events of the organization only to organization owners and admins', async () => {
    const t = await h.tenant('orgevents');
    const admin = await h.member(t.workspaceId, 'admin', 'ws-admin');
    const own = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(
      own.body.events.filter((e: { action: string }) => e.action === 'auth.login').length,
    ).toBeGreaterThanOrEqual(2);
    const theirs = await admin.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(theirs.status).toBe(200);
    const actions = theirs.body.events.map((e: { action: string }) => e.action);
    expect(actions).toContain('member.joined');
    expect(actions).not.toContain('auth.login');
  });

  it('shows API token creation and revocation to the organization admins', async () => {
    const t = await h.tenant('tokenaudit');
    const created = await t.http.post('/api/v1/tokens', {
      name: 'ci',
      workspaceIds: [t.workspaceId],
      permissions: ['posts.read'],
    });
    expect((await t.http.delete(`/api/v1/tokens/${created.body.token.id}`)).status).toBe(204);
    const events = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(events.body.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['token.created', 'token.revoked']),
    );
  });
});
