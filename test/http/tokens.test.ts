import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness, type TestResponse } from '../support/harness.js';

type Client = ReturnType<Harness['client']>;
type TokenView = {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  expiresAt: string | null;
};

function expectError(res: TestResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

describe.each(TEST_TARGETS)('personal API tokens on %s', (target) => {
  let h: Harness;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    h = await createHarness(target, { clock });
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  async function createToken(
    http: Client,
    body: { name?: string; workspaceIds: string[]; permissions: string[]; expiresInDays?: number },
  ): Promise<{ id: string; secret: string; token: TokenView }> {
    const res = await http.post('/api/v1/tokens', { name: 'token', ...body });
    expect(res.status, res.text).toBe(201);
    return { id: res.body.token.id, secret: res.body.secret, token: res.body.token };
  }

  function bearer(secret: string): Client {
    const c = h.client();
    c.useToken(secret);
    return c;
  }

  it('shows the secret once and lists tokens by prefix only', async () => {
    const t = await h.tenant('pat');
    const res = await t.http.post('/api/v1/tokens', {
      name: 'CI export',
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read', 'members.read'],
    });
    expect(res.status, res.text).toBe(201);
    const secret = res.body.secret as string;
    expect(secret).toMatch(/^chorus_pat_[\w-]{40,}$/);
    expect(res.body.token).toMatchObject({
      name: 'CI export',
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read', 'members.read'],
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    const prefix = res.body.token.prefix as string;
    expect(prefix.startsWith('chorus_pat_')).toBe(true);
    expect(secret.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(secret.length - 20);
    expect(Object.keys(res.body.token)).not.toContain('secret');

    const list = await t.http.get('/api/v1/tokens');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain(secret.slice(prefix.length));
    expect(list.body.tokens).toEqual([expect.objectContaining({ id: res.body.token.id, prefix })]);
    // Another user sees none of them.
    const other = await h.tenant('pat-other');
    expect((await other.http.get('/api/v1/tokens')).body.tokens).toEqual([]);
  });

  it('authenticates as the user within its workspace and permission scopes', async () => {
    const t = await h.tenant('scoped');
    const second = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'Unscoped brand',
      timezone: 'UTC',
    });
    expect(second.status, second.text).toBe(201);
    const { id, secret } = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read', 'members.read'],
    });
    const api = bearer(secret);

    const me = await api.get('/api/v1/me');
    expect(me.status, me.text).toBe(200);
    expect(me.body.user.email).toBe(t.email);
    expect(me.body.csrfToken).toBeNull();
    expect(me.body.workspaces).toEqual([
      expect.objectContaining({
        id: t.workspaceId,
        role: 'owner',
        permissions: ['workspace.read', 'members.read'],
      }),
    ]);
    const listed = await api.get('/api/v1/workspaces');
    expect(listed.body.workspaces.map((w: { id: string }) => w.id)).toEqual([t.workspaceId]);

    const members = await api.get(`/api/v1/workspaces/${t.workspaceId}/members`);
    expect(members.status, members.text).toBe(200);
    expect(members.body.members.map((m: { userId: string }) => m.userId)).toEqual([t.user.id]);

    // The owner holds audit.read; the token does not.
    const audit = await api.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expectError(audit, 403, 'forbidden');
    expect(audit.body.error.message).toContain('audit.read');
    expectError(await api.patch(`/api/v1/workspaces/${t.workspaceId}`, { name: 'Nope' }), 403, 'forbidden');

    // A workspace the user reaches but the token is not scoped to does not exist for the token.
    const outside = await api.get(`/api/v1/workspaces/${second.body.workspace.id}`);
    expectError(outside, 404, 'not_found');
    expect((await t.http.get(`/api/v1/workspaces/${second.body.workspace.id}`)).status).toBe(200);

    const tokens = await t.http.get('/api/v1/tokens');
    expect(tokens.body.tokens.find((x: { id: string }) => x.id === id).lastUsedAt).toEqual(
      expect.any(String),
    );
  });

  it('keeps token management to browser sessions', async () => {
    const t = await h.tenant('sessiononly');
    const { id, secret } = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
    });
    const api = bearer(secret);
    const list = await api.get('/api/v1/tokens');
    expectError(list, 403, 'forbidden');
    expect(list.body.error.message).toMatch(/browser session/);
    expectError(
      await api.post('/api/v1/tokens', {
        name: 'child',
        workspaceIds: [t.workspaceId],
        permissions: ['workspace.read'],
      }),
      403,
      'forbidden',
    );
    expectError(await api.delete(`/api/v1/tokens/${id}`), 403, 'forbidden');
    expectError(await api.post('/api/v1/auth/logout'), 403, 'forbidden');
    // The token still works: the refused DELETE did not revoke it.
    expect((await api.get('/api/v1/me')).status).toBe(200);
    expect((await t.http.get('/api/v1/tokens')).body.tokens).toHaveLength(1);
  });

  it('never gives a token more than its owner holds', async () => {
    const t = await h.tenant('ceiling');
    const stranger = await h.tenant('ceiling-stranger');
    const editor = await h.member(t.workspaceId, 'editor', 'ceiling-editor');
    const tooMuch = await editor.http.post('/api/v1/tokens', {
      name: 'escalate',
      workspaceIds: [t.workspaceId],
      permissions: ['posts.read', 'members.manage'],
    });
    expectError(tooMuch, 403, 'forbidden');
    expect(tooMuch.body.error.message).toContain('members.manage');
    const foreign = await editor.http.post('/api/v1/tokens', {
      name: 'foreign',
      workspaceIds: [stranger.workspaceId],
      permissions: ['workspace.read'],
    });
    expectError(foreign, 404, 'not_found');
    const unknown = await editor.http.post('/api/v1/tokens', {
      name: 'unknown',
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.destroy'],
    });
    expectError(unknown, 400, 'invalid_request');
    expect(unknown.body.error.message).toContain('workspace.destroy');
    expect((await editor.http.get('/api/v1/tokens')).body.tokens).toEqual([]);

    // A token follows its owner's role down: after a demotion it loses what the role lost.
    const admin = await h.member(t.workspaceId, 'admin', 'ceiling-admin');
    const { secret } = await createToken(admin.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['members.read', 'members.manage'],
    });
    const api = bearer(secret);
    expect((await api.get(`/api/v1/workspaces/${t.workspaceId}/invitations`)).status).toBe(200);
    const demote = await t.http.patch(`/api/v1/workspaces/${t.workspaceId}/members/${admin.user.id}`, {
      role: 'editor',
    });
    expect(demote.status, demote.text).toBe(200);
    const after = await api.get(`/api/v1/workspaces/${t.workspaceId}/invitations`);
    expectError(after, 403, 'forbidden');
    expect(after.body.error.message).toContain('members.manage');
    expect((await api.get(`/api/v1/workspaces/${t.workspaceId}/members`)).status).toBe(200);
  });

  it('stops working once revoked', async () => {
    const t = await h.tenant('revoke');
    const { id, secret } = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
    });
    const keep = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
    });
    const api = bearer(secret);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    // Someone else cannot revoke it.
    const other = await h.tenant('revoke-other');
    expectError(await other.http.delete(`/api/v1/tokens/${id}`), 404, 'not_found');
    expect((await api.get('/api/v1/me')).status).toBe(200);

    expect((await t.http.delete(`/api/v1/tokens/${id}`)).status).toBe(204);
    const denied = await api.get('/api/v1/me');
    expectError(denied, 401, 'unauthenticated');
    expectError(await api.get(`/api/v1/workspaces/${t.workspaceId}`), 401, 'unauthenticated');
    expectError(await t.http.delete(`/api/v1/tokens/${id}`), 404, 'not_found');
    const listed = (await t.http.get('/api/v1/tokens')).body.tokens as (TokenView & { revokedAt: string })[];
    expect(listed.find((x) => x.id === id)?.revokedAt).toEqual(expect.any(String));
    // Other tokens are untouched.
    expect((await bearer(keep.secret).get('/api/v1/me')).status).toBe(200);
  });

  it('rejects made-up and malformed bearer tokens', async () => {
    const t = await h.tenant('forged');
    const { secret } = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
    });
    for (const forged of [`${secret}x`, secret.slice(0, -1), 'chorus_pat_' + 'A'.repeat(43), 'not-a-token']) {
      expectError(await bearer(forged).get('/api/v1/me'), 401, 'unauthenticated');
    }
    expectError(
      await h.client().get('/api/v1/me', { headers: { authorization: `Bearer ${secret} extra` } }),
      401,
      'unauthenticated',
    );
    expect((await bearer(secret).get('/api/v1/me')).status).toBe(200);
  });

  it('needs no CSRF header for mutations and records the token in the audit log', async () => {
    const t = await h.tenant('nocsrf');
    const { id, secret } = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read', 'workspace.manage'],
    });
    const api = bearer(secret);
    expect(api.csrf).toBeUndefined();
    const res = await api.patch(`/api/v1/workspaces/${t.workspaceId}`, { name: 'Renamed by token' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.workspace).toMatchObject({
      name: 'Renamed by token',
      permissions: ['workspace.read', 'workspace.manage'],
    });
    const log = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    const event = log.body.events.find((e: { action: string }) => e.action === 'workspace.updated');
    expect(event).toMatchObject({
      actorTokenId: id,
      actorEmail: t.email,
      data: { name: 'Renamed by token' },
    });
  });

  it('stops working in a workspace its user was removed from', async () => {
    const t = await h.tenant('removed');
    const editor = await h.member(t.workspaceId, 'editor', 'removed-editor');
    const { secret } = await createToken(editor.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read', 'members.read'],
    });
    const api = bearer(secret);
    expect((await api.get(`/api/v1/workspaces/${t.workspaceId}/members`)).status).toBe(200);
    expect(
      (await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/members/${editor.user.id}`)).status,
    ).toBe(204);
    expectError(await api.get(`/api/v1/workspaces/${t.workspaceId}`), 404, 'not_found');
    expectError(await api.get(`/api/v1/workspaces/${t.workspaceId}/members`), 404, 'not_found');
    const me = await api.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.workspaces).toEqual([]);
  });

  // Moves the shared clock: keep this test last.
  it('expires a token after its lifetime', async () => {
    const t = await h.tenant('expiring');
    const short = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
      expiresInDays: 1,
    });
    expect(new Date(short.token.expiresAt!).getTime()).toBe(clock.now().getTime() + 86_400_000);
    const lasting = await createToken(t.http, {
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
    });
    const api = bearer(short.secret);
    expect((await api.get(`/api/v1/workspaces/${t.workspaceId}`)).status).toBe(200);
    clock.advance(86_400_000 - 60_000);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    clock.advance(86_400_000 + 60_000);
    expectError(await api.get('/api/v1/me'), 401, 'unauthenticated');
    expectError(await api.get(`/api/v1/workspaces/${t.workspaceId}`), 401, 'unauthenticated');
    expect((await bearer(lasting.secret).get(`/api/v1/workspaces/${t.workspaceId}`)).status).toBe(200);
  });
});
