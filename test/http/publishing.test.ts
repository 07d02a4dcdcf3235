import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { newId } from '../../src/core/ids.js';
import { verifyPayload } from '../../src/core/signature.js';
import { DeliveriesRepository } from '../../src/modules/publishing/deliveries.repository.js';
import { ChannelsRepository } from '../../src/modules/channels/channels.repository.js';
import { TEST_TARGETS } from '../support/databases.js';
import { CapturingMailer, createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/**
 * The publishing engine through the API, on both databases, against loopback receivers that verify every
 * signature: signed-webhook channels (whose receivers drop repeated idempotency keys, so a re-send is safe)
 * and Discord-style webhooks (no idempotency: an unknown outcome needs a person). Time is a manual clock;
 * the engine's jobs are run directly from the queue they were sent to.
 */
type Mode = 'ok' | 'fail500' | 'reject400' | 'revoked' | 'reset';

describe.each(TEST_TARGETS)('publishing on %s', (target) => {
  const clock = new ManualClock(new Date('2027-03-01T09:00:00Z'));
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** How each path answers: /a, /b, … one per channel. */
  const modes = new Map<string, Mode>();
  /** Accepted posts per idempotency key (a receiver honouring Idempotency-Key keeps the first). */
  const accepted = new Map<string, string>();
  const SECRET = 'publishing-test-secret-01';
  const mailer = new CapturingMailer();
  /** Outbound webhook events received, signature verified. */
  const events: { type: string; workspaceId: string; data: Record<string, unknown> }[] = [];
  let eventSecret = '';

  beforeAll(async () => {
    h = await createHarness(target, { clock, mailer, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    h.secrets.add(SECRET);
    receiver = await startReceiver((req: ReceivedRequest, res: ServerResponse) => {
      const path = req.path.split('?')[0]!;
      if (path === '/events') {
        const ok = verifyPayload({
          secret: eventSecret,
          body: req.body,
          signature: req.headers['x-chorus-signature'] as string,
          timestamp: req.headers['x-chorus-timestamp'] as string,
          now: clock.now(),
        });
        if (ok) events.push(JSON.parse(req.body));
        return void res.writeHead(ok ? 200 : 401).end();
      }
      const mode = modes.get(path.replace(/^\/discord/, '')) ?? 'ok';
      if (path.startsWith('/discord')) {
        if (req.method === 'GET') return void res.end(JSON.stringify({ name: 'Discord hook' }));
        // The request arrived; the connection drops before any answer: the outcome is unknown.
        if (mode === 'reset') return void res.socket?.destroy();
        const body = JSON.parse(req.body) as { content: string };
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({ id: `m${receiver.requests.length}`, content: body.content, channel_id: '1' }),
        );
      }
      const ok = verifyPayload({
        secret: SECRET,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string,
        timestamp: req.headers['x-chorus-timestamp'] as string,
        now: clock.now(),
      });
      if (!ok) return void res.writeHead(401).end();
      const parsed = JSON.parse(req.body) as { ping?: boolean; text?: string; idempotencyKey?: string };
      if (mode === 'revoked') return void res.writeHead(410).end();
      if (parsed.ping) return void res.writeHead(200).end('{}');
      if (mode === 'fail500') return void res.writeHead(503, { 'retry-after': '1' }).end();
      if (mode === 'reject400') return void res.writeHead(400).end('{"error":"too spicy"}');
      if (mode === 'reset') return void res.socket?.destroy();
      const key = parsed.idempotencyKey!;
      if (!accepted.has(key)) accepted.set(key, parsed.text!);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `post-${key}` }));
    });
  });
  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  async function setup(label: string, channels: string[]) {
    const t = await h.tenant(label);
    const ids: Record<string, string> = {};
    for (const name of channels) {
      const discord = name.startsWith('discord');
      const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network: discord ? 'discord' : 'webhook',
        name: `${label}-${name}`,
        credential: discord
          ? { url: `${receiver.url}/discord/api/webhooks/123/${label}-${name}` }
          : { url: `${receiver.url}/${label}-${name}`, secret: SECRET },
      });
      expect(res.status, res.text).toBe(201);
      ids[name] = res.body.channel.id;
    }
    return { ...t, channel: ids };
  }

  const pendingPublishes = () =>
    h.queuedJobs
      .splice(0)
      .filter((j) => j.name === 'deliveries.publish.v1')
      .map((j) => (j.payload as { deliveryId: string }).deliveryId);
  const requestsTo = (path: string) => receiver.requests.filter((r) => r.path.startsWith(path));

  it('publishes to every channel at its time, and one failing channel neither fails nor delays the others', async () => {
    const t = await setup('partial', ['a', 'b']);
    modes.set('/partial-b', 'fail500');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Spring menu is here',
      channels: [{ channelId: t.channel.a }, { channelId: t.channel.b, body: 'Spring menu (B edition)' }],
      schedule: { at: 'now' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.post.status).toBe('scheduled');
    const jobs = pendingPublishes();
    expect(jobs).toHaveLength(2);
    clock.advance(1500);
    const outcomes = await Promise.all(jobs.map((id) => h.services.deliveryEngine.run(id)));
    expect(outcomes.sort()).toEqual(['published', 'retry']);

    let post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body.post;
    const a = post.deliveries.find((d: { channelId: string }) => d.channelId === t.channel.a);
    const b = post.deliveries.find((d: { channelId: string }) => d.channelId === t.channel.b);
    expect(a).toMatchObject({
      channelName: 'partial-a',
      network: 'webhook',
      state: 'published',
      remoteId: expect.stringMatching(/^post-chorus-/),
      latenessMs: 1500,
    });
    expect(b).toMatchObject({ state: 'scheduled', errorKind: 'transient', attempts: 1 });
    expect(Date.parse(b.nextAttemptAt)).toBe(clock.now().getTime() + 30_000);
    const sentToB = requestsTo('/partial-b').filter((r) => !r.body.includes('"ping"'));
    expect(JSON.parse(sentToB[0]!.body).text).toBe('Spring menu (B edition)');

    // The retry waits for its time, then goes out; A is not sent again.
    expect(pendingPublishes()).toEqual([b.id]);
    expect(await h.services.deliveryEngine.run(b.id)).toBe('not_claimed');
    modes.set('/partial-b', 'ok');
    clock.advance(30_000);
    expect(await h.services.deliveryEngine.run(b.id)).toBe('published');
    post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body.post;
    expect(post.status).toBe('published');
    expect(
      post.attempts
        .filter((x: { deliveryId: string }) => x.deliveryId === b.id)
        .map((x: { outcome: string }) => x.outcome),
    ).toEqual(['retry', 'published']);
    expect(requestsTo('/partial-a').filter((r) => !r.body.includes('"ping"'))).toHaveLength(1);
  });

  it('lets only one of two workers send a delivery', async () => {
    const t = await setup('race', ['a']);
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Only once',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: 'now' },
    });
    const [id] = pendingPublishes();
    const outcomes = await Promise.all([1, 2, 3].map(() => h.services.deliveryEngine.run(id!)));
    expect(outcomes.filter((o) => o === 'published')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'not_claimed')).toHaveLength(2);
    expect(requestsTo('/race-a').filter((r) => r.body.includes('Only once'))).toHaveLength(1);
  });

  it('never publishes a deleted post, and sends the edited text and time of an edited one', async () => {
    const t = await setup('edits', ['a']);
    const at = new Date(clock.now().getTime() + 3600_000).toISOString();
    const doomed = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Never seen',
      channels: [{ channelId: t.channel.a }],
      schedule: { at },
    });
    const edited = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'First draft',
      channels: [{ channelId: t.channel.a }],
      schedule: { at },
    });
    const jobs = pendingPublishes();
    expect(
      (await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/posts/${doomed.body.post.id}`)).status,
    ).toBe(204);
    const later = new Date(clock.now().getTime() + 7200_000).toISOString();
    const patched = await t.http.patch(`/api/v1/workspaces/${t.workspaceId}/posts/${edited.body.post.id}`, {
      body: 'Final text',
      schedule: { at: later },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.post.deliveries[0].dueAt).toBe(later);
    const rescheduled = pendingPublishes();

    clock.advance(3600_000);
    for (const id of jobs) expect(await h.services.deliveryEngine.run(id)).toBe('not_claimed');
    clock.advance(3600_000);
    for (const id of rescheduled) expect(await h.services.deliveryEngine.run(id)).toBe('published');
    const texts = requestsTo('/edits-a')
      .map((r) => JSON.parse(r.body).text)
      .filter(Boolean);
    expect(texts).toEqual(['Final text']);
    const gone = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${doomed.body.post.id}`);
    expect(gone.status).toBe(404);
  });

  it('settles a timed-out publish by sending again with the same key where that cannot duplicate', async () => {
    const t = await setup('unknown', ['a']);
    modes.set('/unknown-a', 'reset');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Did it go?',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: 'now' },
    });
    const [id] = pendingPublishes();
    expect(await h.services.deliveryEngine.run(id!)).toBe('unconfirmed');
    const reconcile = h.queuedJobs.splice(0);
    expect(reconcile.map((j) => j.name)).toEqual(['deliveries.reconcile.v1']);
    modes.set('/unknown-a', 'ok');
    expect(await h.services.deliverySettlement.settle(id!)).toBe('resent');
    expect(await h.services.deliveryEngine.run(pendingPublishes()[0]!)).toBe('published');
    const sent = requestsTo('/unknown-a').filter((r) => r.body.includes('Did it go?'));
    expect(new Set(sent.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    const post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body
      .post;
    // The unanswered attempt stays in the history, then how it was settled, then the send that landed.
    expect(post.attempts.map((x: { outcome: string }) => x.outcome)).toEqual([
      'unconfirmed',
      'retry',
      'published',
    ]);
    expect(post.attempts[1].sent).toEqual({ settlement: 'sent again under the same key' });
  });

  it('asks a person when a network cannot be asked and a re-send could duplicate', async () => {
    const t = await setup('person', ['discord']);
    modes.set('/api/webhooks/123/person-discord', 'reset');
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Maybe posted',
      channels: [{ channelId: t.channel.discord }],
      schedule: { at: 'now' },
    });
    const [id] = pendingPublishes();
    expect(await h.services.deliveryEngine.run(id!)).toBe('unconfirmed');
    h.queuedJobs.splice(0);
    expect(await h.services.deliverySettlement.settle(id!)).toBe('needs_person');
    const page = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/publishing`);
    expect(page.body.deliveries).toMatchObject([
      {
        id,
        state: 'unconfirmed',
        reason: expect.stringContaining('Check the channel, then mark the delivery'),
      },
    ]);
    const resolved = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/deliveries/${id}/resolve`, {
      as: 'published',
      url: 'https://discord.com/channels/1/2/3',
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.delivery).toMatchObject({
      state: 'published',
      url: 'https://discord.com/channels/1/2/3',
    });
    const again = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/deliveries/${id}/resolve`, {
      as: 'send_again',
    });
    expect(again.status).toBe(409);
  });

  it('fails refused content with the reason, and retry re-sends only what did not publish', async () => {
    const t = await setup('refused', ['a', 'b']);
    modes.set('/refused-b', 'reject400');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Hot sauce',
      channels: [{ channelId: t.channel.a }, { channelId: t.channel.b }],
      schedule: { at: 'now' },
    });
    for (const id of pendingPublishes()) await h.services.deliveryEngine.run(id);
    let post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body.post;
    expect(post.status).toBe('partly_published');
    const failed = post.deliveries.find((d: { state: string }) => d.state === 'failed');
    expect(failed.reason).toMatch(/refused the post.*Edit the post, then retry/);
    modes.set('/refused-b', 'ok');
    const retried = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}/retry`);
    expect(retried.status, retried.text).toBe(200);
    const again = pendingPublishes();
    expect(again).toEqual([failed.id]);
    await h.services.deliveryEngine.run(again[0]!);
    post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body.post;
    expect(post.status).toBe('published');
    expect(requestsTo('/refused-a').filter((r) => r.body.includes('Hot sauce'))).toHaveLength(1);
  });

  it('holds a channel’s posts when it needs reconnecting, and sends them once it is reconnected', async () => {
    const t = await setup('revoked', ['a']);
    modes.set('/revoked-a', 'revoked');
    const first = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'One',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: 'now' },
    });
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Two',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: 'now' },
    });
    const [one, two] = pendingPublishes();
    expect(await h.services.deliveryEngine.run(one!)).toBe('held');
    expect(await h.services.deliveryEngine.run(two!)).toBe('held');
    const channels = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`);
    expect(channels.body.channels[0].status).toBe('needs_reconnect');
    const page = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/publishing`);
    expect(page.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['paused', 'paused']);
    expect(page.body.deliveries[1].reason).toMatch(/needs reconnecting.*the post waits/);
    expect(requestsTo('/revoked-a').filter((r) => r.body.includes('"Two"'))).toHaveLength(0);

    modes.set('/revoked-a', 'ok');
    const re = await t.http.put(`/api/v1/workspaces/${t.workspaceId}/channels/${t.channel.a}/credential`, {
      credential: { url: `${receiver.url}/revoked-a`, secret: SECRET },
    });
    expect(re.status, re.text).toBe(200);
    // Held posts go out again spread out, not all at once: the first now, the next 15 minutes later.
    // (The reconnect e-mail's jobs were queued too.)
    const released = h.queuedJobs.splice(0).filter((j) => j.name === 'deliveries.publish.v1');
    expect(released.map((j) => (j.payload as { deliveryId: string }).deliveryId)).toEqual([one, two]);
    expect(released.map((j) => j.startAfter!.getTime() - clock.now().getTime())).toEqual([0, 900_000]);
    expect(await h.services.deliveryEngine.run(one!)).toBe('published');
    expect(await h.services.deliveryEngine.run(two!)).toBe('not_claimed');
    clock.advance(900_000);
    expect(await h.services.deliveryEngine.run(two!)).toBe('published');
    const post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${first.body.post.id}`)).body
      .post;
    expect(post.attempts.map((x: { outcome: string }) => x.outcome)).toEqual(['held', 'published']);
  });

  it('pauses a workspace (posts held, never sent) and resumes by sending now or rescheduling', async () => {
    const t = await setup('paused', ['a']);
    expect(
      (await t.http.post(`/api/v1/workspaces/${t.workspaceId}/publishing/pause`, { reason: 'crisis' }))
        .status,
    ).toBe(204);
    for (const body of ['P1', 'P2', 'P3']) {
      await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
        body,
        channels: [{ channelId: t.channel.a }],
        schedule: { at: 'now' },
      });
    }
    for (const id of pendingPublishes()) expect(await h.services.deliveryEngine.run(id)).toBe('held');
    const page = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/publishing`);
    expect(page.body.pauses).toMatchObject([{ scope: 'workspace', reason: 'crisis' }]);
    expect(page.body.deliveries[0].reason).toMatch(/paused for this workspace \(crisis\)/);
    expect(requestsTo('/paused-a').filter((r) => !r.body.includes('"ping"'))).toHaveLength(0);

    clock.advance(60_000);
    const resumed = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/publishing/resume`, {
      mode: 'reschedule',
      spacingMinutes: 10,
    });
    expect(resumed.body).toEqual({ released: 3 });
    const due = h.queuedJobs.splice(0).map((j) => j.startAfter!.getTime() - clock.now().getTime());
    expect(due).toEqual([0, 600_000, 1_200_000]);
  });

  it('schedules by wall-clock time in the workspace zone, a gap time moving forward', async () => {
    const t = await setup('wallclock', ['a']);
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Early bird',
      channels: [{ channelId: t.channel.a }],
      schedule: { local: '2027-03-28T02:30' },
    });
    expect(res.status, res.text).toBe(201);
    // Europe/Berlin (the tenant's zone) skips 02:00–03:00 that night: 02:30 becomes 03:30 CEST = 01:30Z.
    expect(res.body.post).toMatchObject({
      scheduleLocal: '2027-03-28T02:30',
      scheduleTimeZone: 'Europe/Berlin',
    });
    expect(res.body.post.deliveries[0].dueAt).toBe('2027-03-28T01:30:00.000Z');
    pendingPublishes();
    const bad = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'x',
      channels: [{ channelId: t.channel.a }],
      schedule: { local: '2027-02-30T10:00' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^schedule: /);
  });

  it('refuses a post that does not fit a channel, naming the channel and the fix', async () => {
    const t = await setup('limits', ['discord']);
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'x'.repeat(2100),
      channels: [{ channelId: t.channel.discord }],
      schedule: { at: 'now' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /does not fit limits-discord.*2100 characters long; the limit is 2000\. Shorten it by 100/,
    );
    expect(pendingPublishes()).toEqual([]);
  });

  it('holds posts of someone who may not publish until they are approved', async () => {
    const t = await setup('approval', ['a']);
    const editor = await h.member(t.workspaceId, 'editor');
    const res = await editor.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Needs a yes',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: 'now' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.post.approved).toBe(false);
    const [id] = pendingPublishes();
    expect(await h.services.deliveryEngine.run(id!)).toBe('held');
    const post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body
      .post;
    expect(post.deliveries[0]).toMatchObject({
      state: 'paused',
      reason: 'The post is waiting for approval: submit it for approval.',
    });
    expect((await editor.http.post(`/api/v1/workspaces/${t.workspaceId}/publishing/pause`, {})).status).toBe(
      403,
    );
  });

  it('sweeps: overdue deliveries are queued again, and a delivery whose worker died is settled, not re-sent', async () => {
    const t = await setup('sweep', ['discord']);
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Lost job',
      channels: [{ channelId: t.channel.discord }],
      schedule: { at: 'now' },
    });
    const [lost] = pendingPublishes(); // the job is lost: nobody runs it
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Worker died',
      channels: [{ channelId: t.channel.discord }],
      schedule: { at: 'now' },
    });
    const [dying] = pendingPublishes();
    // A worker claims it and dies before recording anything.
    const claimed = await new DeliveriesRepository(h.database.db).claim(dying!, clock.now(), newId());
    expect(claimed?.delivery.state).toBe('sending');

    clock.advance(61_000);
    let swept = await h.services.deliverySettlement.sweep();
    expect(swept.overdue).toBeGreaterThanOrEqual(1);
    const queued = h.queuedJobs.splice(0).map((j) => (j.payload as { deliveryId: string }).deliveryId);
    expect(queued).toContain(lost);
    expect(queued).not.toContain(dying);

    clock.advance(2 * 60_000);
    swept = await h.services.deliverySettlement.sweep();
    expect(swept.stranded).toBe(1);
    const settle = h.queuedJobs.splice(0).filter((j) => j.name === 'deliveries.reconcile.v1');
    expect(settle.map((j) => (j.payload as { deliveryId: string }).deliveryId)).toEqual([dying]);
    expect(await h.services.deliverySettlement.settle(dying!)).toBe('needs_person');
    expect(
      requestsTo('/discord/api/webhooks/123/sweep-discord').filter((r) => r.body.includes('Worker died')),
    ).toHaveLength(0);
  });

  it('checks a channel before its next post and tells the people who can fix it, while there is time', async () => {
    const t = await setup('precheck', ['a']);
    const due = new Date(clock.now().getTime() + 20 * 3600_000);
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Tomorrow morning',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: due.toISOString() },
    });
    pendingPublishes();
    const checks = () => requestsTo('/precheck-a').filter((r) => r.body.includes('"ping"')).length;
    const before = checks();
    // Checked at connection, within 24 h of the post: nothing to do until 10 minutes before it.
    expect((await h.services.deliverySettlement.sweep()).checked).toBe(0);
    clock.advance(20 * 3600_000 - 9 * 60_000);
    modes.set('/precheck-a', 'revoked');
    const mails = mailer.sent.length;
    expect((await h.services.deliverySettlement.sweep()).checked).toBe(1);
    expect(checks()).toBe(before + 1);
    await t.http.login(t.email); // the session idled out over those 20 hours
    const channel = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`)).body.channels[0];
    expect(channel.status).toBe('needs_reconnect');
    // The e-mail goes through its job (notifications.email.v1), as the person's preferences say.
    await h.runQueuedJobs('notifications.email.v1');
    const mail = mailer.sent.slice(mails);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({
      to: t.email,
      subject: 'precheck-a needs reconnecting (precheck workspace)',
    });
    expect(mail[0]!.text).toContain('Chorus can no longer publish to precheck-a (webhook).');
    expect(mail[0]!.text).toContain(`http://chorus.test/w/${t.workspaceId}/settings/channels`);
    // Checked once: the next sweep does not check again.
    expect((await h.services.deliverySettlement.sweep()).checked).toBe(0);
    modes.set('/precheck-a', 'ok');
  });

  it('tells subscribed webhook endpoints what was published and what failed, signed', async () => {
    const t = await setup('events', ['a', 'b']);
    const endpoint = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/webhooks`, {
      url: `${receiver.url}/events`,
      events: ['delivery.published', 'delivery.failed'],
    });
    expect(endpoint.status, endpoint.text).toBe(201);
    eventSecret = endpoint.body.secret;
    h.secrets.add(eventSecret);
    modes.set('/events-b', 'reject400');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Event worthy',
      channels: [{ channelId: t.channel.a }, { channelId: t.channel.b }],
      schedule: { at: 'now' },
    });
    for (const id of pendingPublishes()) await h.services.deliveryEngine.run(id);
    await h.runQueuedJobs('webhooks.deliver.v1');
    const mine = events.filter((e) => e.workspaceId === t.workspaceId);
    expect(mine.map((e) => e.type).sort()).toEqual(['delivery.failed', 'delivery.published']);
    const published = mine.find((e) => e.type === 'delivery.published')!;
    expect(published.data).toMatchObject({
      postId: res.body.post.id,
      channelId: t.channel.a,
      network: 'webhook',
      remoteId: expect.stringMatching(/^post-chorus-/),
      publishedAt: clock.now().toISOString(),
    });
    expect(mine.find((e) => e.type === 'delivery.failed')!.data).toMatchObject({
      channelId: t.channel.b,
      error: { kind: 'invalid_content', message: expect.any(String) },
    });
  });

  it('puts a post back to a draft and schedules it again, and drops and re-adds a channel', async () => {
    const t = await setup('redraft', ['a', 'b']);
    const at = new Date(clock.now().getTime() + 3600_000).toISOString();
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Back and forth',
      channels: [{ channelId: t.channel.a }, { channelId: t.channel.b }],
      schedule: { at },
    });
    const url = `/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`;
    pendingPublishes();
    const draft = await t.http.patch(url, { schedule: null });
    expect(draft.body.post.deliveries.map((d: { state: string }) => d.state)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    const onlyA = await t.http.patch(url, { channels: [{ channelId: t.channel.a }], schedule: { at } });
    expect(onlyA.status, onlyA.text).toBe(200);
    const states = Object.fromEntries(
      onlyA.body.post.deliveries.map((d: { channelId: string; state: string }) => [d.channelId, d.state]),
    );
    expect(states).toEqual({ [t.channel.a!]: 'scheduled', [t.channel.b!]: 'cancelled' });
    const both = await t.http.patch(url, {
      channels: [{ channelId: t.channel.a }, { channelId: t.channel.b }],
    });
    expect(both.body.post.deliveries.map((d: { state: string }) => d.state)).toEqual([
      'scheduled',
      'scheduled',
    ]);
    clock.advance(3600_000);
    const jobs = [...new Set(pendingPublishes())];
    for (const id of jobs) await h.services.deliveryEngine.run(id);
    expect((await t.http.get(url)).body.post.status).toBe('published');
  });

  it('runs a worker batch with one claim: each delivery gets its own outcome', async () => {
    const t = await setup('batch', ['a', 'b']);
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/publishing/pause`, { channelId: t.channel.b });
    const ids: string[] = [];
    for (const [i, channelId] of [t.channel.a, t.channel.a, t.channel.b].entries()) {
      await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
        body: `Batch ${i}`,
        channels: [{ channelId }],
        schedule: { at: 'now' },
      });
      ids.push(...pendingPublishes());
    }
    const deleted = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Deleted before its turn',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: 'now' },
    });
    ids.push(...pendingPublishes());
    await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/posts/${deleted.body.post.id}`);
    modes.set('/batch-a', 'ok');
    expect(await h.services.deliveryEngine.runMany(ids)).toEqual([
      'published',
      'published',
      'held',
      'not_claimed',
    ]);
    expect(requestsTo('/batch-a').filter((r) => r.body.includes('Batch'))).toHaveLength(2);
    expect(requestsTo('/batch-b').filter((r) => r.body.includes('Batch'))).toHaveLength(0);
  });

  it('keeps within a channel’s budgets instead of collecting 429s: declared posts per window, and the reported quota', async () => {
    const t = await setup('budget', ['discord']);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
        body: `Budget ${i}`,
        channels: [{ channelId: t.channel.discord }],
        schedule: { at: 'now' },
      });
      ids.push(...pendingPublishes());
    }
    // Discord webhooks allow 5 messages per 2 seconds.
    const outcomes = await h.services.deliveryEngine.runMany(ids);
    expect(outcomes.filter((o) => o === 'published')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'retry')).toHaveLength(2);
    const waiting = ids.filter((_, i) => outcomes[i] === 'retry');
    const later = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts?state=scheduled`);
    const deferred = later.body.posts.flatMap((p: { deliveries: unknown[] }) => p.deliveries);
    expect(deferred).toHaveLength(2);
    expect(deferred[0]).toMatchObject({
      attempts: 0,
      reason: expect.stringContaining('limit of 5 posts per 2 s'),
    });
    expect(pendingPublishes().sort()).toEqual([...waiting].sort());
    clock.advance(2_100);
    expect(await h.services.deliveryEngine.runMany(waiting)).toEqual(['published', 'published']);

    // The network reported its request budget used up until a reset: nothing is sent before it.
    const reset = new Date(clock.now().getTime() + 90_000);
    await new ChannelsRepository(h.database.db).recordQuota(t.channel.discord!, {
      remaining: 0,
      limit: 30,
      resetAt: reset,
      scope: 'requests per minute',
      seenAt: clock.now(),
    });
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'After the reset',
      channels: [{ channelId: t.channel.discord }],
      schedule: { at: 'now' },
    });
    const [id] = pendingPublishes();
    expect(await h.services.deliveryEngine.run(id!)).toBe('retry');
    expect(h.queuedJobs.at(-1)?.startAfter).toEqual(reset);
    expect(
      requestsTo('/discord/api/webhooks/123/budget-discord').filter((r) =>
        r.body.includes('After the reset'),
      ),
    ).toHaveLength(0);
  });
});
