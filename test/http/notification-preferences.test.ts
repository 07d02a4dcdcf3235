import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { newId } from '../../src/core/ids.js';
import { JOB_CATALOGUE } from '../../src/jobs/catalogue.js';
import type { Notice } from '../../src/modules/notifications/types.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { closedSmtpUrl, startMailServer, SwitchableSmtp } from '../support/mail-server.js';
import { startReceiver } from '../support/receiver.js';

/**
 * Per-person notification preferences and notification e-mail on both databases: the API, what notify does
 * with each choice, instant e-mails and daily digests through a real SMTP server on loopback, and a mail
 * server that is down. Time is a manual clock; jobs run through their real handlers.
 */
describe.each(TEST_TARGETS)('notification preferences and e-mail on %s', (target) => {
  const clock = new ManualClock(new Date('2027-06-01T10:00:00Z')); // 12:00 in Europe/Berlin
  let h: Harness;
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let mailer: SwitchableSmtp;
  let downUrl: string;
  const modes = new Map<string, 'ok' | 'unauthorized'>();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    mail = await startMailServer();
    downUrl = await closedSmtpUrl();
    mailer = new SwitchableSmtp(mail.url);
    h = await createHarness(target, { clock, mailer, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    receiver = await startReceiver((req, res) => {
      if (modes.get(req.path) === 'unauthorized') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"remote-1"}');
    });
  });
  afterAll(async () => {
    await receiver.close();
    await mail.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  type Tenant = Awaited<ReturnType<Harness['tenant']>>;
  const PREFS = '/api/v1/me/notification-preferences';

  const notice = (workspaceId: string, type: Notice['type'], title: string): Notice => ({
    workspaceId,
    type,
    title,
    body: `${title}: the details.`,
    link: `/w/${workspaceId}/posts/${newId()}`,
    subjectId: newId(),
  });
  const mailTo = (email: string) => mail.messages.filter((m) => m.to.includes(email));
  const emailJobs = () => h.queuedJobs.filter((j) => j.name === 'notifications.email.v1');
  const handler = (name: 'notifications.email.v1' | 'notifications.digest.v1') =>
    h.services.jobHandlers.find((j) => j.name === name)!;
  const runDigest = () => handler('notifications.digest.v1').handle({} as never, { jobId: 'digest-test' });
  const inApp = async (t: Tenant) => {
    const res = await t.http.get('/api/v1/notifications');
    expect(res.status, res.text).toBe(200);
    return res.body.notifications as { type: string; title: string }[];
  };

  it('lists every type with its default, the digest at 08:00 in the first workspace’s zone, and whether e-mail works', async () => {
    const t = await h.tenant('defaults');
    const res = await t.http.get(PREFS);
    expect(res.status, res.text).toBe(200);
    expect(res.body.emailConfigured).toBe(true);
    expect(res.body.digest).toEqual({ hour: 8, timeZone: 'Europe/Berlin' });
    const byType = Object.fromEntries(
      (res.body.types as { type: string; inApp: boolean; email: string; description: string }[]).map((p) => [
        p.type,
        `${p.inApp ? 'app' : '-'} ${p.email}`,
      ]),
    );
    expect(byType).toEqual({
      'channel.needs_reconnect': 'app instant',
      'delivery.failed': 'app instant',
      'delivery.unconfirmed': 'app digest',
      'post.mentioned': 'app instant',
      'approval.requested': 'app instant',
      'approval.approved': 'app digest',
      'approval.rejected': 'app instant',
      'approval.held': 'app instant',
      'approval.expired': 'app instant',
    });
    expect(res.body.types[0].description).toMatch(/reconnected/);
  });

  it('changes only what is sent, keeps it, and applies it in every workspace', async () => {
    const t = await h.tenant('update');
    const res = await t.http.put(PREFS, {
      types: [
        { type: 'delivery.failed', inApp: false },
        { type: 'post.mentioned', email: 'digest' },
      ],
      digest: { hour: 18 },
    });
    expect(res.status, res.text).toBe(200);
    const pick = (body: { types: { type: string }[] }, type: string) =>
      body.types.find((p) => p.type === type);
    expect(pick(res.body, 'delivery.failed')).toMatchObject({ inApp: false, email: 'instant' });
    expect(pick(res.body, 'post.mentioned')).toMatchObject({ inApp: true, email: 'digest' });
    expect(res.body.digest).toEqual({ hour: 18, timeZone: 'Europe/Berlin' });

    const zone = await t.http.put(PREFS, { digest: { timeZone: 'America/New_York' } });
    expect(zone.body.digest).toEqual({ hour: 18, timeZone: 'America/New_York' });
    const again = await t.http.get(PREFS);
    expect(pick(again.body, 'delivery.failed')).toMatchObject({ inApp: false, email: 'instant' });
    expect(pick(again.body, 'post.mentioned')).toMatchObject({ inApp: true, email: 'digest' });
    expect(again.body.digest).toEqual({ hour: 18, timeZone: 'America/New_York' });
    // Another person's preferences are their own.
    const other = await h.tenant('update-other');
    expect(pick((await other.http.get(PREFS)).body, 'delivery.failed')).toMatchObject({ inApp: true });

    // Back to the default: nothing special is kept.
    const back = await t.http.put(PREFS, { types: [{ type: 'delivery.failed', inApp: true }] });
    expect(pick(back.body, 'delivery.failed')).toMatchObject({ inApp: true, email: 'instant' });
    const stored = await h.database.db
      .selectFrom('notification_preferences')
      .select('type')
      .where('user_id', '=', t.user.id)
      .execute();
    expect(stored.map((r) => r.type)).toEqual(['post.mentioned']);

    // A second workspace of the same person follows the same preferences.
    const created = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      name: 'update second',
      timezone: 'UTC',
    });
    expect(created.status, created.text).toBe(201);
    const second = created.body.workspace.id as string;
    await t.http.put(PREFS, { types: [{ type: 'delivery.unconfirmed', inApp: false }] });
    await h.services.notifications.notify([t.user.id], notice(second, 'delivery.unconfirmed', 'Second ws'));
    expect((await inApp(t)).map((n) => n.title)).not.toContain('Second ws');
  });

  it('refuses unknown types, bad hours and unknown zones, naming the field', async () => {
    const t = await h.tenant('invalid');
    const bad = async (body: unknown, field: string, message: RegExp) => {
      const res = await t.http.put(PREFS, body);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.message).toContain(field);
      expect(res.body.error.message).toMatch(message);
    };
    await bad(
      { types: [{ type: 'post.liked', email: 'off' }] },
      'body.types.0.type',
      /Unknown notification type/,
    );
    await bad(
      { types: [{ type: 'post.mentioned', email: 'weekly' }] },
      'body.types.0.email',
      /"off", "instant" or "digest"/,
    );
    await bad({ digest: { hour: 24 } }, 'body.digest.hour', /0 to 23/);
    await bad({ digest: { hour: 7.5 } }, 'body.digest.hour', /0 to 23/);
    await bad({ digest: { timeZone: 'Mars/Olympus' } }, 'body.digest.timeZone', /Unknown time zone/);
    await bad({ colour: 'blue' }, 'body', /colour/);
    // Nothing was changed by the refused requests.
    expect((await t.http.get(PREFS)).body.digest).toEqual({ hour: 8, timeZone: 'Europe/Berlin' });
  });

  it('records no in-app notification for a type turned off in the app, and still e-mails it', async () => {
    const t = await h.tenant('quiet');
    await t.http.put(PREFS, { types: [{ type: 'delivery.failed', inApp: false, email: 'instant' }] });
    h.queuedJobs.splice(0);
    const written = await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.failed', 'Quiet failure'),
    );
    expect(written).toBe(0);
    expect(await inApp(t)).toEqual([]);
    expect(emailJobs()).toHaveLength(1);
    await h.runQueuedJobs('notifications.email.v1');
    const m = await mail.waitFor((x) => x.to.includes(t.email) && x.text.includes('Quiet failure'));
    expect(m.raw).toMatch(/Subject: Quiet failure \(quiet workspace\)/);

    // E-mail off: nothing queued, and the in-app notification is there again once turned back on.
    await t.http.put(PREFS, { types: [{ type: 'delivery.failed', inApp: true, email: 'off' }] });
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.failed', 'Loud failure'),
    );
    expect(emailJobs()).toHaveLength(0);
    expect((await inApp(t)).map((n) => n.title)).toEqual(['Loud failure']);
  });

  it('e-mails an instant notification once, with its link and where to change the settings', async () => {
    const t = await h.tenant('instant');
    h.queuedJobs.splice(0);
    const n = notice(t.workspaceId, 'post.mentioned', 'Ana mentioned you in a comment');
    await h.services.notifications.notify([t.user.id], n);
    const [job] = emailJobs();
    expect(job).toBeDefined();
    await h.runQueuedJobs('notifications.email.v1');
    const m = await mail.waitFor((x) => x.to.includes(t.email));
    expect(m.text).toContain('Ana mentioned you in a comment');
    expect(m.text).toContain('Ana mentioned you in a comment: the details.');
    expect(m.text).toContain(`http://chorus.test${n.link}`);
    expect(m.text).toContain('http://chorus.test/settings/notifications');
    expect(m.text).toContain('Workspace: instant workspace');
    // The same job again (a retry after the e-mail went out) sends nothing more.
    expect(await handler('notifications.email.v1').handle(job!.payload as never, { jobId: 'again' })).toEqual(
      {
        outcome: 'skipped',
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(mailTo(t.email)).toHaveLength(1);
  });

  it('queues an instant e-mail again when its job was lost', async () => {
    const t = await h.tenant('lost-job');
    await h.services.notifications.notify([t.user.id], notice(t.workspaceId, 'delivery.failed', 'Lost job'));
    h.queuedJobs.splice(0); // the job never reached the engine
    await runDigest();
    expect(emailJobs()).toHaveLength(0); // not yet: a job may still be on its way
    clock.advance(16 * 60_000);
    await runDigest();
    expect(emailJobs()).toHaveLength(1);
    await h.runQueuedJobs('notifications.email.v1');
    await mail.waitFor((x) => x.to.includes(t.email) && x.text.includes('Lost job'));
    // Sent: the next run does not queue it again.
    clock.advance(16 * 60_000);
    await runDigest();
    expect(emailJobs()).toHaveLength(0);
  });

  it('does not e-mail someone who left the workspace before the e-mail went', async () => {
    const t = await h.tenant('leaver');
    const editor = await h.member(t.workspaceId, 'editor', 'leaver-editor');
    h.queuedJobs.splice(0);
    await h.services.notifications.notify(
      [editor.user.id, t.user.id],
      notice(t.workspaceId, 'delivery.failed', 'Leaver notice'),
    );
    const removed = await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/members/${editor.user.id}`);
    expect(removed.status, removed.text).toBeLessThan(300);
    const outcomes = await h.runQueuedJobs('notifications.email.v1');
    expect(outcomes).toEqual(expect.arrayContaining([{ outcome: 'sent' }, { outcome: 'skipped' }]));
    await mail.waitFor((x) => x.to.includes(t.email) && x.text.includes('Leaver notice'));
    await new Promise((r) => setTimeout(r, 200));
    // The e-mail is no longer owed: it is not left for the sweep of lost jobs to queue again.
    const owed = await h.database.db
      .selectFrom('notification_emails')
      .select('id')
      .where('user_id', '=', editor.user.id)
      .execute();
    expect(owed).toEqual([]);
    // (Their invitation came by e-mail; the notice does not.)
    expect(mailTo(editor.email).filter((x) => x.text.includes('Leaver notice'))).toEqual([]);
  });

  it('keeps digest notifications for the digest hour and sends one e-mail, grouped by workspace, newest first, never twice', async () => {
    const t = await h.tenant('digest');
    const quiet = await h.tenant('digest-none');
    const created = await t.http.post('/api/v1/workspaces', {
      organizationId: t.organizationId,
      // Listed after the first workspace, whose zone (Europe/Berlin) stays the digest's default.
      name: 'digest x-second',
      timezone: 'UTC',
    });
    expect(created.status, created.text).toBe(201);
    const second = created.body.workspace.id as string;
    h.queuedJobs.splice(0);
    clock.set('2027-06-01T10:00:00Z');
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.unconfirmed', 'Check A'),
    );
    clock.advance(60_000);
    await h.services.notifications.notify([t.user.id], notice(second, 'delivery.unconfirmed', 'Check B'));
    clock.advance(60_000);
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.unconfirmed', 'Check C'),
    );
    expect(emailJobs()).toHaveLength(0); // nothing goes at once

    // The digest hour (08:00 in Europe/Berlin) has not come yet today: nothing is sent.
    await runDigest();
    await new Promise((r) => setTimeout(r, 200));
    expect(mailTo(t.email)).toHaveLength(0);

    clock.set('2027-06-02T06:02:00Z'); // 08:02 in Berlin, the next morning
    await runDigest();
    const m = await mail.waitFor((x) => x.to.includes(t.email));
    expect(m.raw).toMatch(/Subject: Your Chorus digest: 3 notifications/);
    const order = ['Check C', 'Check A', 'Check B'].map((title) => m.text.indexOf(title));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Grouped: each workspace's name once, the first workspace (newest notice) first.
    expect(m.text.indexOf('digest workspace')).toBeLessThan(m.text.indexOf('Check C'));
    expect(m.text.indexOf('digest x-second')).toBeGreaterThan(m.text.indexOf('Check A'));
    expect(m.text).toContain('http://chorus.test/settings/notifications');

    // Run again (a retry, the next hour): nothing more, and nobody with nothing waiting gets an e-mail.
    await runDigest();
    clock.advance(3600_000);
    await runDigest();
    await new Promise((r) => setTimeout(r, 200));
    expect(mailTo(t.email)).toHaveLength(1);
    expect(mailTo(quiet.email)).toHaveLength(0);

    // A notice after the digest waits for the next day's.
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.unconfirmed', 'Check D'),
    );
    clock.set('2027-06-02T20:00:00Z');
    await runDigest();
    await new Promise((r) => setTimeout(r, 200));
    expect(mailTo(t.email)).toHaveLength(1);
    clock.set('2027-06-03T06:05:00Z');
    await runDigest();
    const next = await mail.waitFor((x) => x.to.includes(t.email) && x.text.includes('Check D'));
    expect(next.raw).toMatch(/Subject: Your Chorus digest: 1 notification\b/);
    expect(next.text).not.toContain('Check A');
  });

  it('sends the digest at the hour and in the zone the person chose', async () => {
    const t = await h.tenant('digest-zone');
    await t.http.put(PREFS, { digest: { hour: 7, timeZone: 'America/New_York' } });
    clock.set('2027-06-05T09:00:00Z'); // 05:00 in New York
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'approval.approved', 'Approved X'),
    );
    clock.set('2027-06-05T10:30:00Z'); // 06:30 in New York
    await runDigest();
    await new Promise((r) => setTimeout(r, 200));
    expect(mailTo(t.email)).toHaveLength(0);
    clock.set('2027-06-05T11:01:00Z'); // 07:01 in New York
    await runDigest();
    const m = await mail.waitFor((x) => x.to.includes(t.email));
    expect(m.text).toContain('Approved X');
  });

  it('when the mail server is down, the feature still succeeds and the e-mail goes once it is back; a failed digest is retried and sent once', async () => {
    const t = await h.tenant('smtp-down');
    await h.services.notifications.notify([], notice(t.workspaceId, 'delivery.failed', 'warm up'));
    const create = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      name: 'Down Shop',
      credential: { url: `${receiver.url}/down-shop`, secret: 'smtp-down-secret-1' },
    });
    expect(create.status, create.text).toBe(201);
    const channelId = create.body.channel.id as string;
    h.queuedJobs.splice(0);

    mailer.smtpUrl = downUrl;
    modes.set('/down-shop', 'unauthorized');
    // The channel test finds the channel revoked: the request succeeds and the person is told in the app.
    const tested = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${channelId}/test`);
    expect(tested.status, tested.text).toBe(200);
    expect((await inApp(t)).map((n) => n.type)).toContain('channel.needs_reconnect');
    const jobs = emailJobs();
    expect(jobs).toHaveLength(1);
    // Its job fails while the server is down, so the engine retries it, with backoff.
    await expect(
      handler('notifications.email.v1').handle(jobs[0]!.payload as never, { jobId: 'down' }),
    ).rejects.toThrow();
    expect(JOB_CATALOGUE['notifications.email.v1'].retryLimit).toBeGreaterThanOrEqual(3);
    expect(JOB_CATALOGUE['notifications.email.v1'].retryDelaySeconds).toBeGreaterThan(0);
    expect(mailTo(t.email)).toHaveLength(0);

    mailer.smtpUrl = mail.url;
    expect(
      await handler('notifications.email.v1').handle(jobs[0]!.payload as never, { jobId: 'retry' }),
    ).toEqual({
      outcome: 'sent',
    });
    const m = await mail.waitFor((x) => x.to.includes(t.email));
    // What happened, which channel on which network, the workspace, and where to fix it.
    expect(m.raw).toMatch(/Subject: Down Shop needs reconnecting \(smtp-down workspace\)/);
    expect(m.text).toContain('Chorus can no longer publish to Down Shop (webhook).');
    expect(m.text).toMatch(/401/);
    expect(m.text).toContain('Workspace: smtp-down workspace');
    expect(m.text).toContain(`http://chorus.test/w/${t.workspaceId}/settings/channels`);
    h.queuedJobs.splice(0);

    // A digest whose e-mail fails is retried by the next run and goes out once.
    clock.set('2027-06-10T12:00:00Z');
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.unconfirmed', 'Late check'),
    );
    clock.set('2027-06-11T06:10:00Z');
    mailer.smtpUrl = downUrl;
    await expect(runDigest()).rejects.toThrow(/could not be sent/);
    mailer.smtpUrl = mail.url;
    expect(await runDigest()).toMatchObject({ failed: 0 });
    await runDigest();
    await mail.waitFor((x) => x.to.includes(t.email) && x.text.includes('Late check'));
    await new Promise((r) => setTimeout(r, 200));
    expect(mailTo(t.email).filter((x) => x.text.includes('Late check'))).toHaveLength(1);
    modes.delete('/down-shop');
  });

  it('deletes e-mails sent more than 30 days ago and keeps those still waiting', async () => {
    clock.set('2027-07-01T10:00:00Z');
    const t = await h.tenant('mail-retention');
    await h.services.notifications.notify(
      [t.user.id],
      notice(t.workspaceId, 'delivery.unconfirmed', 'Still waiting'),
    );
    clock.set('2027-08-15T10:00:00Z');
    const retention = h.services.jobHandlers.find((j) => j.name === 'notifications.retention.v1')!;
    const result = (await retention.handle({} as never, { jobId: 'mail-retention' })) as {
      emailsDeleted: number;
    };
    // The e-mails the tests before sent in June are gone.
    expect(result.emailsDeleted).toBeGreaterThan(0);
    const rows = await h.database.db
      .selectFrom('notification_emails')
      .select(['user_id', 'title', 'sent_at'])
      .execute();
    const cutoff = clock.now().getTime() - 30 * 86_400_000;
    for (const r of rows) expect(r.sent_at === null || r.sent_at.getTime() >= cutoff).toBe(true);
    expect(rows.filter((r) => r.user_id === t.user.id).map((r) => r.title)).toEqual(['Still waiting']);
  });

  it('queues no e-mail and fails nothing when e-mail is not configured', async () => {
    const plain = await createHarness(target, { clock });
    try {
      const t = await plain.tenant('no-smtp');
      const res = await t.http.get(PREFS);
      expect(res.body.emailConfigured).toBe(false);
      const written = await plain.services.notifications.notify(
        [t.user.id],
        notice(t.workspaceId, 'delivery.failed', 'Nobody mails this'),
      );
      expect(written).toBe(1);
      expect(plain.queuedJobs.filter((j) => j.name === 'notifications.email.v1')).toEqual([]);
      const outbox = await plain.database.db.selectFrom('notification_emails').select('id').execute();
      expect(outbox).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
