import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { newId } from '../../src/core/ids.js';
import type { Notice } from '../../src/modules/notifications/types.js';
import { TEST_TARGETS } from '../support/databases.js';
import { CapturingMailer, createHarness, type Harness } from '../support/harness.js';

/**
 * The notification centre's API on both databases: each person sees and changes only their own
 * notifications, of workspaces they still reach; pages, unread counts, marking read, and retention.
 * Notifications are recorded through the service features use (`notify`).
 */
describe.each(TEST_TARGETS)('notifications API on %s', (target) => {
  const clock = new ManualClock(new Date('2027-06-01T10:00:00Z'));
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(target, { clock, mailer: new CapturingMailer() });
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
  });

  type Tenant = Awaited<ReturnType<Harness['tenant']>>;
  type Client = Tenant['http'];

  const notice = (workspaceId: string, n: number, subjectId: string | null = newId()): Notice => ({
    workspaceId,
    type: 'delivery.failed',
    title: `Notice ${n}`,
    body: `Body ${n}`,
    link: `/w/${workspaceId}/posts/${newId()}`,
    subjectId,
  });
  const list = async (client: Client, query = '') => {
    const res = await client.get(`/api/v1/notifications${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body as {
      notifications: { id: string; title: string; readAt: string | null }[];
      nextCursor: string | null;
    };
  };
  const titles = async (client: Client, query = '') =>
    (await list(client, query)).notifications.map((n) => n.title);
  const count = async (client: Client) => {
    const res = await client.get('/api/v1/notifications/unread-count');
    expect(res.status, res.text).toBe(200);
    return res.body as { total: number; workspaces: { workspaceId: string; unread: number }[] };
  };

  it('pages newest first with a cursor, filters unread, and refuses a bad cursor', async () => {
    const t = await h.tenant('pages');
    for (let n = 1; n <= 5; n++) {
      await h.services.notifications.notify([t.user.id], notice(t.workspaceId, n));
      if (n !== 3) clock.advance(1000); // 3 and 4 share an instant: the id breaks the tie
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(t.http, `?limit=2${cursor ? `&before=${cursor}` : ''}`);
      expect(page.notifications.length).toBeLessThanOrEqual(2);
      seen.push(...page.notifications.map((n) => n.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Notice 5', 'Notice 4', 'Notice 3', 'Notice 2', 'Notice 1']);

    const all = (await list(t.http)).notifications;
    await t.http.post('/api/v1/notifications/read', { ids: [all[0]!.id, all[2]!.id] });
    expect(await titles(t.http, '?unread=true')).toEqual(['Notice 4', 'Notice 2', 'Notice 1']);
    expect(await titles(t.http, `?unread=true&workspaceId=${t.workspaceId}&limit=1`)).toEqual(['Notice 4']);

    const bad = await t.http.get('/api/v1/notifications?before=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/cursor is not valid.*newest notifications/);
    const badUnread = await t.http.get('/api/v1/notifications?unread=yes');
    expect(badUnread.status).toBe(400);
    expect(badUnread.body.error.message).toMatch(/unread is true or false/);
    expect((await t.http.get('/api/v1/notifications?limit=500')).status).toBe(400);
  });

  it('refuses a notice of an unknown type, or one that links outside the app', async () => {
    const t = await h.tenant('refused');
    const base = notice(t.workspaceId, 1);
    for (const link of [
      'https://elsewhere.example/x',
      '//elsewhere.example/x',
      '/\\elsewhere.example',
      'w/x',
    ]) {
      await expect(h.services.notifications.notify([t.user.id], { ...base, link })).rejects.toThrow(
        /links to a page of the app/,
      );
    }
    await expect(
      h.services.notifications.notify([t.user.id], { ...base, type: 'post.liked' as never }),
    ).rejects.toThrow(/Unknown notification type "post.liked"/);
    expect((await list(t.http)).notifications).toEqual([]);
  });

  it('counts unread per workspace and in all, and marks read by id or all at once', async () => {
    const t = await h.tenant('counts');
    const created = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'Second brand',
      timezone: 'UTC',
    });
    expect(created.status, created.text).toBe(201);
    const second = created.body.workspace.id as string;
    for (const n of [1, 2, 3]) await h.services.notifications.notify([t.user.id], notice(t.workspaceId, n));
    for (const n of [4, 5]) await h.services.notifications.notify([t.user.id], notice(second, n));
    const sorted = (c: Awaited<ReturnType<typeof count>>) => ({
      total: c.total,
      workspaces: [...c.workspaces].sort((a, b) => a.workspaceId.localeCompare(b.workspaceId)),
    });
    expect(sorted(await count(t.http))).toEqual(
      sorted({
        total: 5,
        workspaces: [
          { workspaceId: t.workspaceId, unread: 3 },
          { workspaceId: second, unread: 2 },
        ],
      }),
    );

    const [newest] = (await list(t.http)).notifications;
    expect((await t.http.post('/api/v1/notifications/read', { ids: [newest!.id] })).body).toEqual({
      marked: 1,
    });
    // Marking it again changes nothing and is not an error.
    expect((await t.http.post('/api/v1/notifications/read', { ids: [newest!.id] })).body).toEqual({
      marked: 0,
    });
    expect((await count(t.http)).total).toBe(4);
    const one = await t.http.post('/api/v1/notifications/read', { all: true, workspaceId: second });
    expect(one.body).toEqual({ marked: 1 });
    expect(await count(t.http)).toEqual({
      total: 3,
      workspaces: [{ workspaceId: t.workspaceId, unread: 3 }],
    });
    expect((await t.http.post('/api/v1/notifications/read', { all: true })).body).toEqual({ marked: 3 });
    expect(await count(t.http)).toEqual({ total: 0, workspaces: [] });

    for (const [body, message] of [
      [{}, /either \{"ids": \[\.\.\.\]\} or \{"all": true\}/],
      [{ ids: [] }, /Give the ids/],
      [{ ids: ['nope'] }, /body\.ids\.0/],
      [{ all: false }, /all can only be true/],
      [{ ids: [newest!.id], all: true }, /one of the two/],
      [{ ids: [newest!.id], workspaceId: t.workspaceId }, /workspaceId goes with/],
      [{ all: true, everything: true }, /everything/],
    ] as const) {
      const res = await t.http.post('/api/v1/notifications/read', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toMatch(message);
    }
  });

  it("never shows or changes another person's notifications", async () => {
    const a = await h.tenant('alice');
    const b = await h.tenant('bob');
    const colleague = await h.member(b.workspaceId, 'manager', 'bob-colleague');
    await h.services.notifications.notify([b.user.id], notice(b.workspaceId, 1));
    await h.services.notifications.notify([a.user.id], notice(a.workspaceId, 2));
    const [bobs] = (await list(b.http)).notifications;

    for (const intruder of [a.http, colleague.http]) {
      expect((await list(intruder)).notifications.map((n) => n.id)).not.toContain(bobs!.id);
      const mark = await intruder.post('/api/v1/notifications/read', { ids: [bobs!.id] });
      expect(mark.status).toBe(404);
      expect(mark.text).not.toContain('Notice 1');
    }
    // One id that is not yours spoils the request: nothing is marked, not even your own.
    const [alices] = (await list(a.http)).notifications;
    expect((await a.http.post('/api/v1/notifications/read', { ids: [alices!.id, bobs!.id] })).status).toBe(
      404,
    );
    expect((await list(a.http)).notifications[0]!.readAt).toBeNull();
    expect(
      (await a.http.post('/api/v1/notifications/read', { all: true, workspaceId: b.workspaceId })).status,
    ).toBe(404);
    expect((await a.http.get(`/api/v1/notifications?workspaceId=${b.workspaceId}`)).status).toBe(404);
    expect((await colleague.http.post('/api/v1/notifications/read', { all: true })).body).toEqual({
      marked: 0,
    });
    expect((await list(b.http)).notifications).toMatchObject([{ id: bobs!.id, readAt: null }]);
    expect((await count(b.http)).total).toBe(1);
  });

  it('hides the notifications of a workspace from a member who was removed from it', async () => {
    const t = await h.tenant('leaver');
    const member = await h.member(t.workspaceId, 'manager', 'leaver-member');
    await h.services.notifications.notify([member.user.id], notice(t.workspaceId, 1));
    const [theirs] = (await list(member.http)).notifications;
    expect((await count(member.http)).total).toBe(1);

    const removed = await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/members/${member.user.id}`);
    expect(removed.status, removed.text).toBe(204);
    expect((await list(member.http)).notifications).toEqual([]);
    expect(await count(member.http)).toEqual({ total: 0, workspaces: [] });
    expect((await member.http.post('/api/v1/notifications/read', { ids: [theirs!.id] })).status).toBe(404);
    expect((await member.http.get(`/api/v1/notifications?workspaceId=${t.workspaceId}`)).status).toBe(404);
  });

  it('limits an API token to its workspaces, and needs the CSRF header only with a session cookie', async () => {
    const t = await h.tenant('token');
    const other = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'Out of scope',
      timezone: 'UTC',
    });
    await h.services.notifications.notify([t.user.id], notice(t.workspaceId, 1));
    await h.services.notifications.notify([t.user.id], notice(other.body.workspace.id, 2));
    const created = await t.http.post('/api/v1/tokens', {
      name: 'notifications',
      workspaceIds: [t.workspaceId],
      permissions: ['workspace.read'],
    });
    expect(created.status, created.text).toBe(201);
    h.secrets.add(created.body.secret);
    const bot = h.client();
    bot.useToken(created.body.secret);
    expect(await titles(bot)).toEqual(['Notice 1']);
    expect((await count(bot)).total).toBe(1);
    expect((await bot.post('/api/v1/notifications/read', { all: true })).body).toEqual({ marked: 1 });
    expect((await count(t.http)).total).toBe(1);

    const noCsrf = await t.http.post(
      '/api/v1/notifications/read',
      { all: true },
      { headers: { 'x-csrf-token': '' } },
    );
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf_failed');
    expect((await h.client().get('/api/v1/notifications')).status).toBe(401);
  });

  it('deletes read notifications older than 90 days every day, and keeps unread and recent ones', async () => {
    const t = await h.tenant('retention');
    await h.services.notifications.notify([t.user.id], notice(t.workspaceId, 1));
    await h.services.notifications.notify([t.user.id], notice(t.workspaceId, 2));
    // Both were created at the same instant of the test clock: find the second by its title, not its place.
    const two = (await list(t.http)).notifications.find((n: { title: string }) => n.title === 'Notice 2');
    await t.http.post('/api/v1/notifications/read', { ids: [two!.id] });
    clock.advance(91 * 86_400_000);
    await t.http.login(t.email); // the session ended while time passed
    await h.services.notifications.notify([t.user.id], notice(t.workspaceId, 3));
    const [three] = (await list(t.http)).notifications;
    expect(three!.title).toBe('Notice 3');
    await t.http.post('/api/v1/notifications/read', { ids: [three!.id] });

    const job = h.services.jobHandlers.find((j) => j.name === 'notifications.retention.v1')!;
    const result = (await job.handle({}, { jobId: 'retention-test' })) as { deleted: number };
    // Read notifications of the other tests are 91 days old by now too.
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    const cutoff = clock.now().getTime() - 90 * 86_400_000;
    const left = await h.database.db
      .selectFrom('notifications')
      .select(['id', 'read_at', 'created_at'])
      .execute();
    expect(left.map((r) => r.id)).not.toContain(two!.id);
    for (const r of left) expect(r.read_at === null || r.created_at.getTime() >= cutoff).toBe(true);
    expect(left.filter((r) => r.read_at === null).length).toBeGreaterThan(0);
    expect(await job.handle({}, { jobId: 'retention-again' })).toMatchObject({ deleted: 0 });
    expect((await list(t.http)).notifications).toMatchObject([
      { title: 'Notice 3', readAt: expect.any(String) },
      { title: 'Notice 1', readAt: null },
    ]);
  });
});
