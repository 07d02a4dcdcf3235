import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { can, ROLE_PERMISSIONS } from '../../src/modules/members/permissions.js';
import { TEST_TARGETS } from '../support/databases.js';
import {
  CapturingMailer,
  createHarness,
  PASSWORD,
  uniqueEmail,
  type Harness,
  type TestResponse,
} from '../support/harness.js';

type WorkspaceView = { id: string; name: string; role: string; permissions: string[] };
type MemberView = { userId: string; email: string; role: string; source: string };
type AuditView = { action: string; targetId: string | null; data: Record<string, unknown> };

const INVITE_LINK = /(http:\/\/chorus\.test\/invite#token=[\w-]+)/;

/** The invitation token carried in the fragment of an accept link. */
function tokenOf(link: string): string {
  const hash = new URL(link).hash;
  expect(hash.startsWith('#token=')).toBe(true);
  return hash.slice('#token='.length);
}

function expectError(res: TestResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

const sorted = (list: readonly string[]) => [...list].sort();

describe.each(TEST_TARGETS)('invitations and roles on %s', (target) => {
  let h: Harness;
  const mailer = new CapturingMailer();
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    h = await createHarness(target, { mailer, clock });
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  /** Sends an invitation as `http` and returns the token from the captured e-mail. */
  async function invite(
    http: ReturnType<Harness['client']>,
    workspaceId: string,
    email: string,
    role: string,
  ): Promise<{ token: string; invitationId: string }> {
    const before = mailer.sent.length;
    const res = await http.post(`/api/v1/workspaces/${workspaceId}/invitations`, { email, role });
    expect(res.status, res.text).toBe(201);
    expect(mailer.sent).toHaveLength(before + 1);
    const link = INVITE_LINK.exec(mailer.sent.at(-1)!.text)?.[1];
    expect(link, 'the e-mail holds an accept link').toBeDefined();
    return { token: tokenOf(link!), invitationId: res.body.invitation.id };
  }

  const members = async (http: ReturnType<Harness['client']>, workspaceId: string) => {
    const res = await http.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(res.status, res.text).toBe(200);
    return res.body.members as MemberView[];
  };

  it('e-mails an invitation link that previews, accepts once and logs the new member in', async () => {
    const t = await h.tenant('inviter');
    const email = uniqueEmail('invitee');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {
      email,
      role: 'editor',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      emailSent: true,
      acceptUrl: null,
      invitation: { email, role: 'editor', invitedByName: 'inviter name' },
    });
    const mail = mailer.sent.at(-1)!;
    expect(mail.to).toBe(email);
    expect(mail.subject).toContain('inviter workspace');
    const link = INVITE_LINK.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    const token = tokenOf(link!);
    expect(token.length).toBeGreaterThanOrEqual(40);

    const pending = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/invitations`);
    expect(pending.body.invitations.map((i: { id: string }) => i.id)).toEqual([res.body.invitation.id]);

    const preview = await h.client().post('/api/v1/invitations/preview', { token });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toEqual({
      email,
      role: 'editor',
      workspaceName: 'inviter workspace',
      organizationName: 'inviter org',
      userExists: false,
    });

    const invitee = h.client();
    const accepted = await invitee.post('/api/v1/invitations/accept', {
      token,
      name: 'Ed Itor',
      password: PASSWORD,
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.headers.get('set-cookie')).toMatch(/chorus_session=[^;]+;.*HttpOnly/i);
    expect(accepted.body).toMatchObject({
      user: { email, name: 'Ed Itor' },
      workspaceId: t.workspaceId,
      csrfToken: expect.any(String),
    });

    const me = await invitee.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);
    const workspaces = me.body.workspaces as WorkspaceView[];
    expect(workspaces).toHaveLength(1);
    expect(workspaces[0]).toMatchObject({ id: t.workspaceId, name: 'inviter workspace', role: 'editor' });
    expect(sorted(workspaces[0]!.permissions)).toEqual(sorted(ROLE_PERMISSIONS.editor));

    expect((await members(t.http, t.workspaceId)).find((m) => m.email === email)).toMatchObject({
      role: 'editor',
      source: 'workspace',
      userId: accepted.body.user.id,
    });
    const after = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/invitations`);
    expect(after.body.invitations).toEqual([]);

    // The link works once, for anyone.
    expectError(
      await h.client().post('/api/v1/invitations/accept', { token, name: 'Again', password: PASSWORD }),
      409,
      'conflict',
    );
    expectError(await h.client().post('/api/v1/invitations/preview', { token }), 409, 'conflict');
    expectError(
      await h.client().post('/api/v1/invitations/preview', { token: 'x'.repeat(43) }),
      404,
      'not_found',
    );
  });

  it('asks a new user for a name before creating the account', async () => {
    const t = await h.tenant('needname');
    const { token } = await invite(t.http, t.workspaceId, uniqueEmail('nameless'), 'analyst');
    expectError(
      await h.client().post('/api/v1/invitations/accept', { token, name: '   ', password: PASSWORD }),
      400,
      'invalid_request',
    );
    // The failed attempt did not consume the invitation.
    const ok = await h
      .client()
      .post('/api/v1/invitations/accept', { token, name: 'Named', password: PASSWORD });
    expect(ok.status, ok.text).toBe(200);
  });

  it('refuses a revoked invitation', async () => {
    const t = await h.tenant('revoker');
    const { token, invitationId } = await invite(t.http, t.workspaceId, uniqueEmail('revoked'), 'analyst');
    const revoked = await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/invitations/${invitationId}`);
    expect(revoked.status, revoked.text).toBe(204);
    const preview = await h.client().post('/api/v1/invitations/preview', { token });
    expectError(preview, 409, 'conflict');
    expect(preview.body.error.message).toMatch(/revoked/i);
    expectError(
      await h.client().post('/api/v1/invitations/accept', { token, name: 'Late', password: PASSWORD }),
      409,
      'conflict',
    );
    expectError(
      await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/invitations/${invitationId}`),
      404,
      'not_found',
    );
    const pending = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/invitations`);
    expect(pending.body.invitations).toEqual([]);
  });

  it('lets an existing user join with their own password, and only with it', async () => {
    const host = await h.tenant('host');
    const guest = await h.tenant('guest');
    const { token } = await invite(host.http, host.workspaceId, guest.email, 'analyst');

    const preview = await h.client().post('/api/v1/invitations/preview', { token });
    expect(preview.body).toMatchObject({ email: guest.email, role: 'analyst', userExists: true });

    const wrong = await h
      .client()
      .post('/api/v1/invitations/accept', { token, password: 'this is not the password' });
    expectError(wrong, 401, 'unauthenticated');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // Still not a member after the wrong password.
    expect((await members(host.http, host.workspaceId)).some((m) => m.userId === guest.user.id)).toBe(false);

    const joiner = h.client();
    const ok = await joiner.post('/api/v1/invitations/accept', { token, password: PASSWORD });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.user).toMatchObject({ id: guest.user.id, email: guest.email, name: 'guest name' });

    for (const http of [joiner, guest.http]) {
      const me = await http.get('/api/v1/me');
      expect(me.status).toBe(200);
      const roles = Object.fromEntries(
        (me.body.workspaces as WorkspaceView[]).map((w) => [w.id, w.role] as const),
      );
      expect(roles).toEqual({ [guest.workspaceId]: 'owner', [host.workspaceId]: 'analyst' });
    }
    // The guest reaches the host workspace with the analyst's permissions only.
    expect((await guest.http.get(`/api/v1/workspaces/${host.workspaceId}`)).status).toBe(200);
    expectError(
      await guest.http.patch(`/api/v1/workspaces/${host.workspaceId}`, { name: 'Taken over' }),
      403,
      'forbidden',
    );
  });

  it('refuses a second invitation to a pending address and invitations to members', async () => {
    const t = await h.tenant('dupes');
    const email = uniqueEmail('pending');
    await invite(t.http, t.workspaceId, email, 'editor');
    const again = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {
      email: email.toUpperCase(),
      role: 'analyst',
    });
    expectError(again, 409, 'conflict');
    expect(again.body.error.message).toMatch(/pending invitation/);

    const m = await h.member(t.workspaceId, 'editor', 'already');
    expectError(
      await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {
        email: m.email,
        role: 'analyst',
      }),
      409,
      'conflict',
    );
    // The organization owner already reaches the workspace.
    expectError(
      await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {
        email: t.email,
        role: 'editor',
      }),
      409,
      'conflict',
    );
  });

  it('consumes an invitation once even when accepted twice at the same moment', async () => {
    const t = await h.tenant('race-accept');
    const email = uniqueEmail('racer');
    const { token } = await invite(t.http, t.workspaceId, email, 'editor');
    const results = await Promise.all(
      [1, 2].map((n) =>
        h.client().post('/api/v1/invitations/accept', { token, name: `Racer ${n}`, password: PASSWORD }),
      ),
    );
    expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join('\n')).toEqual([200, 409]);
    expect((await members(t.http, t.workspaceId)).filter((m) => m.email === email)).toHaveLength(1);
  });

  it('keeps one pending invitation per address even when invited twice at the same moment', async () => {
    const t = await h.tenant('race-invite');
    const email = uniqueEmail('twice');
    const url = `/api/v1/workspaces/${t.workspaceId}/invitations`;
    const results = await Promise.all([
      t.http.post(url, { email, role: 'editor' }),
      t.http.post(url, { email, role: 'analyst' }),
    ]);
    expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join('\n')).toEqual([201, 409]);
    const pending = await t.http.get(url);
    expect(pending.body.invitations.filter((i: { email: string }) => i.email === email)).toHaveLength(1);
  });

  it('keeps managers below admin and editors away from member management', async () => {
    const t = await h.tenant('ranks');
    const manager = await h.member(t.workspaceId, 'manager', 'mgr');
    const editor = await h.member(t.workspaceId, 'editor', 'edt');
    const admin = await h.member(t.workspaceId, 'admin', 'adm');
    const invitations = `/api/v1/workspaces/${t.workspaceId}/invitations`;
    const member = (userId: string) => `/api/v1/workspaces/${t.workspaceId}/members/${userId}`;

    const asAdmin = await manager.http.post(invitations, {
      email: uniqueEmail('would-be-admin'),
      role: 'admin',
    });
    expectError(asAdmin, 403, 'forbidden');
    expect(asAdmin.body.error.message).toContain('Admin');
    const owner = await manager.http.post(invitations, {
      email: uniqueEmail('would-be-owner'),
      role: 'owner',
    });
    expectError(owner, 403, 'forbidden');
    const asEditor = await manager.http.post(invitations, {
      email: uniqueEmail('new-editor'),
      role: 'editor',
    });
    expect(asEditor.status, asEditor.text).toBe(201);

    expectError(await manager.http.patch(member(editor.user.id), { role: 'admin' }), 403, 'forbidden');
    expectError(await manager.http.patch(member(admin.user.id), { role: 'editor' }), 403, 'forbidden');
    expectError(await manager.http.delete(member(admin.user.id)), 403, 'forbidden');
    const demoted = await manager.http.patch(member(editor.user.id), { role: 'analyst' });
    expect(demoted.status, demoted.text).toBe(200);
    expect(demoted.body.member).toMatchObject({
      userId: editor.user.id,
      role: 'analyst',
      source: 'workspace',
    });
    expect((await members(t.http, t.workspaceId)).find((m) => m.userId === editor.user.id)?.role).toBe(
      'analyst',
    );
    // An admin may promote to admin; nobody may make a workspace owner.
    expect((await admin.http.patch(member(editor.user.id), { role: 'admin' })).status).toBe(200);
    expectError(await t.http.patch(member(editor.user.id), { role: 'owner' }), 403, 'forbidden');
    expect((await t.http.patch(member(editor.user.id), { role: 'editor' })).status).toBe(200);

    const inv = await editor.http.post(invitations, { email: uniqueEmail('by-editor'), role: 'client' });
    expectError(inv, 403, 'forbidden');
    expect(inv.body.error.message).toContain('members.manage');
    expectError(await editor.http.patch(member(manager.user.id), { role: 'client' }), 403, 'forbidden');
    expectError(await editor.http.delete(member(manager.user.id)), 403, 'forbidden');
    expectError(await editor.http.get(invitations), 403, 'forbidden');
    // Reading members needs only members.read.
    expect((await members(editor.http, t.workspaceId)).length).toBe(4);
  });

  it('lets nobody change their own role or remove themselves', async () => {
    const t = await h.tenant('selfish');
    const admin = await h.member(t.workspaceId, 'admin', 'self-admin');
    const manager = await h.member(t.workspaceId, 'manager', 'self-mgr');
    for (const who of [
      { http: t.http, id: t.user.id },
      { http: admin.http, id: admin.user.id },
      { http: manager.http, id: manager.user.id },
    ]) {
      const url = `/api/v1/workspaces/${t.workspaceId}/members/${who.id}`;
      const patch = await who.http.patch(url, { role: 'manager' });
      expectError(patch, 403, 'forbidden');
      expect(patch.body.error.message).toMatch(/yourself/);
      expectError(await who.http.delete(url), 403, 'forbidden');
    }
    const roles = Object.fromEntries((await members(t.http, t.workspaceId)).map((m) => [m.userId, m.role]));
    expect(roles).toEqual({ [t.user.id]: 'owner', [admin.user.id]: 'admin', [manager.user.id]: 'manager' });
  });

  it('lists organization owners as such and leaves their role to the organization', async () => {
    const t = await h.tenant('orgowner');
    const admin = await h.member(t.workspaceId, 'admin', 'org-admin-try');
    const list = await members(admin.http, t.workspaceId);
    expect(list.find((m) => m.userId === t.user.id)).toMatchObject({
      email: t.email,
      role: 'owner',
      source: 'organization',
    });
    expect(list.find((m) => m.userId === admin.user.id)).toMatchObject({
      role: 'admin',
      source: 'workspace',
    });
    const url = `/api/v1/workspaces/${t.workspaceId}/members/${t.user.id}`;
    const patch = await admin.http.patch(url, { role: 'editor' });
    expectError(patch, 409, 'conflict');
    expect(patch.body.error.message).toMatch(/organization/);
    expectError(await admin.http.delete(url), 409, 'conflict');
    expect((await t.http.get('/api/v1/me')).body.workspaces[0].role).toBe('owner');
  });

  it('ends a removed member’s access to the workspace', async () => {
    const t = await h.tenant('remover');
    const editor = await h.member(t.workspaceId, 'editor', 'leaving');
    expect((await editor.http.get(`/api/v1/workspaces/${t.workspaceId}`)).status).toBe(200);
    const url = `/api/v1/workspaces/${t.workspaceId}/members/${editor.user.id}`;
    expect((await t.http.delete(url)).status).toBe(204);
    expectError(await editor.http.get(`/api/v1/workspaces/${t.workspaceId}`), 404, 'not_found');
    expectError(await editor.http.get(`/api/v1/workspaces/${t.workspaceId}/members`), 404, 'not_found');
    expect((await editor.http.get('/api/v1/me')).body.workspaces).toEqual([]);
    expect((await members(t.http, t.workspaceId)).some((m) => m.userId === editor.user.id)).toBe(false);
    expectError(await t.http.delete(url), 404, 'not_found');
    expectError(await t.http.patch(url, { role: 'analyst' }), 404, 'not_found');

    // Invited again, they come back with their existing account and the new role.
    const { token } = await invite(t.http, t.workspaceId, editor.email, 'client');
    const back = await h.client().post('/api/v1/invitations/accept', { token, password: PASSWORD });
    expect(back.status, back.text).toBe(200);
    expect(back.body.user.id).toBe(editor.user.id);
    expect((await editor.http.get(`/api/v1/workspaces/${t.workspaceId}`)).body.workspace.role).toBe('client');
  });

  it('records every membership change in the audit log, which managers cannot read', async () => {
    const t = await h.tenant('audit');
    const manager = await h.member(t.workspaceId, 'manager', 'audit-mgr');
    const joinerEmail = uniqueEmail('audit-joiner');
    const { token } = await invite(t.http, t.workspaceId, joinerEmail, 'editor');
    const joined = await h
      .client()
      .post('/api/v1/invitations/accept', { token, name: 'Joiner', password: PASSWORD });
    expect(joined.status).toBe(200);
    const joinerId = joined.body.user.id as string;
    const memberUrl = `/api/v1/workspaces/${t.workspaceId}/members/${joinerId}`;
    expect((await t.http.patch(memberUrl, { role: 'analyst' })).status).toBe(200);
    expect((await t.http.delete(memberUrl)).status).toBe(204);
    const { invitationId } = await invite(t.http, t.workspaceId, uniqueEmail('audit-revoked'), 'client');
    expect(
      (await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/invitations/${invitationId}`)).status,
    ).toBe(204);

    const log = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events?limit=200`);
    expect(log.status, log.text).toBe(200);
    const events = log.body.events as AuditView[];
    const find = (action: string, targetId: string) =>
      events.find((e) => e.action === action && e.targetId === targetId);
    expect(find('member.joined', joinerId)?.data).toMatchObject({ role: 'editor', newAccount: true });
    expect(find('member.role_changed', joinerId)?.data).toEqual({ from: 'editor', to: 'analyst' });
    expect(find('member.removed', joinerId)?.data).toEqual({ role: 'analyst' });
    expect(find('invitation.revoked', invitationId)).toBeDefined();
    const invited = events.filter((e) => e.action === 'member.invited');
    expect(invited.map((e) => e.data.email)).toEqual(expect.arrayContaining([joinerEmail, manager.email]));
    expect(invited.find((e) => e.data.email === joinerEmail)?.data).toMatchObject({
      role: 'editor',
      emailSent: true,
    });

    const denied = await manager.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expectError(denied, 403, 'forbidden');
    expect(denied.body.error.message).toContain('audit.read');
  });

  it('lets organization owners create workspaces, and only them', async () => {
    const t = await h.tenant('creator');
    const created = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'Second brand',
      timezone: 'America/New_York',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.workspace).toMatchObject({
      name: 'Second brand',
      organizationId: t.organizationId,
      timezone: 'America/New_York',
      role: 'owner',
    });
    const me = await t.http.get('/api/v1/me');
    expect((me.body.workspaces as WorkspaceView[]).map((w) => w.id).sort()).toEqual(
      [t.workspaceId, created.body.workspace.id].sort(),
    );

    const manager = await h.member(t.workspaceId, 'manager', 'ws-creator-mgr');
    const denied = await manager.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'Shadow brand',
      timezone: 'UTC',
    });
    expectError(denied, 403, 'forbidden');
    // The manager reaches only the workspace they were invited to.
    expect((await manager.http.get(`/api/v1/workspaces/${created.body.workspace.id}`)).status).toBe(404);

    const mars = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'Colony',
      timezone: 'Mars/Olympus',
    });
    expectError(mars, 400, 'invalid_request');
    expect(mars.body.error.message).toContain('Mars/Olympus');
    expect(mars.body.error.message).toMatch(/IANA name such as Europe\/Berlin/);
    const after = await t.http.get('/api/v1/me');
    expect((after.body.workspaces as WorkspaceView[]).map((w) => w.name)).not.toContain('Colony');
  });

  it('lets workspace.manage holders edit a workspace, and no one else', async () => {
    const t = await h.tenant('editws');
    const url = `/api/v1/workspaces/${t.workspaceId}`;
    // Every role behaves as the permission matrix says.
    for (const role of ['admin', 'manager', 'editor', 'analyst', 'client'] as const) {
      const m = await h.member(t.workspaceId, role, `editws-${role}`);
      const res = await m.http.patch(url, { name: `Renamed by ${role}` });
      if (can(role, 'workspace.manage')) {
        expect(res.status, `${role}: ${res.text}`).toBe(200);
      } else {
        expectError(res, 403, 'forbidden');
        expect(res.body.error.message).toContain('workspace.manage');
      }
    }
    const editor = await h.member(t.workspaceId, 'editor', 'editws-reader');
    expectError(await editor.http.patch(url, { timezone: 'UTC' }), 403, 'forbidden');

    const ok = await t.http.patch(url, { name: 'Renamed', timezone: 'Asia/Tokyo' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.workspace).toMatchObject({ id: t.workspaceId, name: 'Renamed', timezone: 'Asia/Tokyo' });
    expect((await editor.http.get(url)).body.workspace).toMatchObject({
      name: 'Renamed',
      timezone: 'Asia/Tokyo',
      role: 'editor',
    });
    const bad = await t.http.patch(url, { timezone: 'Mars/Olympus' });
    expectError(bad, 400, 'invalid_request');
    expect(bad.body.error.message).toMatch(/IANA/);
    expectError(await t.http.patch(url, {}), 400, 'invalid_request');
    expect((await t.http.get(url)).body.workspace.timezone).toBe('Asia/Tokyo');
  });

  // Moves the shared clock: keep this test last in the block.
  it('lets an invitation expire after seven days', async () => {
    const t = await h.tenant('expiring');
    const email = uniqueEmail('slow');
    const { token } = await invite(t.http, t.workspaceId, email, 'editor');
    clock.advance(6 * 86_400_000);
    expect((await h.client().post('/api/v1/invitations/preview', { token })).status).toBe(200);
    clock.advance(86_400_000 + 1000);
    const preview = await h.client().post('/api/v1/invitations/preview', { token });
    expectError(preview, 409, 'conflict');
    expect(preview.body.error.message).toMatch(/expired/);
    expectError(
      await h.client().post('/api/v1/invitations/accept', { token, name: 'Slow', password: PASSWORD }),
      409,
      'conflict',
    );
    await t.http.login(t.email);
    expect((await t.http.get(`/api/v1/workspaces/${t.workspaceId}/invitations`)).body.invitations).toEqual(
      [],
    );
    // An expired invitation does not block a new one to the same address.
    await invite(t.http, t.workspaceId, email, 'editor');
  });
});

describe.each(TEST_TARGETS)('invitations without e-mail on %s', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  it('hands the accept link to the inviter when no mail server is configured', async () => {
    expect(h.config.SMTP_URL).toBeUndefined();
    const t = await h.tenant('nomail');
    const email = uniqueEmail('linked');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/invitations`, {
      email,
      role: 'client',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.emailSent).toBe(false);
    expect(res.body.acceptUrl).toMatch(/^http:\/\/chorus\.test\/invite#token=[\w-]{40,}$/);
    const token = tokenOf(res.body.acceptUrl);
    const accepted = await h
      .client()
      .post('/api/v1/invitations/accept', { token, name: 'Client', password: PASSWORD });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.workspaceId).toBe(t.workspaceId);
    const log = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    const invited = (log.body.events as AuditView[]).find((e) => e.action === 'member.invited');
    expect(invited?.data).toMatchObject({ email, emailSent: false });
  });
});
