import type { ServerResponse } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { verifyPayload } from '../../src/core/signature.js';
import { TEST_TARGETS } from '../support/databases.js';
import { CapturingMailer, createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/**
 * In-app notifications raised by what really happens, on both databases: a channel whose receiver starts
 * answering 401 (while publishing, and when tested), a post the receiver refuses, a post whose outcome is
 * unknown on a channel that cannot be checked. Receivers are loopback servers; time is a manual clock.
 */
type Mode = 'ok' | 'unauthorized' | 'reject400' | 'reset';

describe.each(TEST_TARGETS)('notifications raised by channels and deliveries on %s', (target) => {
  const clock = new ManualClock(new Date('2027-05-03T08:00:00Z'));
  const mailer = new CapturingMailer();
  const SECRET = 'notification-test-secret-1';
  const modes = new Map<string, Mode>();
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    h = await createHarness(target, { clock, mailer, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    h.secrets.add(SECRET);
    receiver = await startReceiver((req: ReceivedRequest, res: ServerResponse) => {
      const path = req.path.replace(/^\/discord/, '');
      const mode = modes.get(path) ?? 'ok';
      if (req.path.startsWith('/discord')) {
        if (req.method === 'GET') return void res.end(JSON.stringify({ name: 'Discord hook' }));
        // The request arrived and the connection drops before an answer: nobody knows if it was posted.
        if (mode === 'reset') return void res.socket?.destroy();
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
      }
      const signed = verifyPayload({
        secret: SECRET,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string,
        timestamp: req.headers['x-chorus-timestamp'] as string,
        now: clock.now(),
      });
      if (!signed || mode === 'unauthorized') return void res.writeHead(401).end();
      if (mode === 'reject400') return void res.writeHead(400).end('{"error":"not accepted"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"remote-1"}');
    });
  });
  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  type Tenant = Awaited<ReturnType<Harness['tenant']>>;
  type Client = Tenant['http'];

  async function connect(t: Tenant, name: string, network: 'webhook' | 'discord' = 'webhook') {
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network,
      name,
      credential:
        network === 'discord'
          ? { url: `${receiver.url}/discord/api/webhooks/1/${name}` }
          : { url: `${receiver.url}/${name}`, secret: SECRET },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.channel.id as string;
  }

  async function postNow(client: Client, workspaceId: string, channelId: string, body: string) {
    const res = await client.post(`/api/v1/workspaces/${workspaceId}/posts`, {
      body,
      channels: [{ channelId }],
      schedule: { at: 'now' },
    });
    expect(res.status, res.text).toBe(201);
    const jobs = h.queuedJobs.splice(0).filter((j) => j.name === 'deliveries.publish.v1');
    return {
      postId: res.body.post.id as string,
      deliveryId: (jobs[0]!.payload as { deliveryId: string }).deliveryId,
    };
  }

  const inbox = async (client: Client) => {
    const res = await client.get('/api/v1/notifications');
    expect(res.status, res.text).toBe(200);
    return res.body.notifications as {
      id: string;
      type: string;
      title: string;
      body: string;
      link: string;
      subjectId: string | null;
      createdAt: string;
      readAt: string | null;
    }[];
  };

  it('tells channel managers and organization leaders, not editors, when publishing finds a channel revoked', async () => {
    const t = await h.tenant('reconnect');
    const manager = await h.member(t.workspaceId, 'manager', 'reconnect-manager');
    const editor = await h.member(t.workspaceId, 'editor', 'reconnect-editor');
    const channel = await connect(t, 'reconnect-a');
    modes.set('/reconnect-a', 'unauthorized');
    const { deliveryId } = await postNow(t.http, t.workspaceId, channel, 'Weekend opening hours');
    expect(await h.services.deliveryEngine.run(deliveryId)).toBe('held');

    for (const person of [t.http, manager.http]) {
      expect(await inbox(person)).toMatchObject([
        {
          type: 'channel.needs_reconnect',
          title: 'reconnect-a needs reconnecting',
          body: expect.stringMatching(/answered 401.*wait and go out once it is reconnected/),
          link: `/w/${t.workspaceId}/settings/channels`,
          subjectId: channel,
          readAt: null,
        },
      ]);
    }
    expect(await inbox(editor.http)).toEqual([]);
    // The e-mail goes to the same people, from the same recipient rule, through the e-mail job.
    await h.runQueuedJobs('notifications.email.v1');
    expect(
      mailer.sent
        .filter((m) => m.subject.startsWith('reconnect-a'))
        .map((m) => m.to)
        .sort(),
    ).toEqual([t.email, manager.email].sort());
  });

  it('refreshes an unread reconnect notification when the channel fails again, and starts a new one once read', async () => {
    const t = await h.tenant('flap');
    const channel = await connect(t, 'flap-a');
    const test = () => t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${channel}/test`);
    const reconnect = async () => {
      modes.set('/flap-a', 'ok');
      const res = await t.http.put(`/api/v1/workspaces/${t.workspaceId}/channels/${channel}/credential`, {
        credential: { url: `${receiver.url}/flap-a`, secret: SECRET },
      });
      expect(res.status, res.text).toBe(200);
      modes.set('/flap-a', 'unauthorized');
    };

    modes.set('/flap-a', 'unauthorized');
    expect((await test()).body.channel.status).toBe('needs_reconnect');
    const [first] = await inbox(t.http);
    clock.advance(60_000);
    await reconnect();
    expect((await test()).body.channel.status).toBe('needs_reconnect');
    const again = await inbox(t.http);
    expect(again).toHaveLength(1);
    expect(again[0]!.id).toBe(first!.id);
    expect(Date.parse(again[0]!.createdAt)).toBe(Date.parse(first!.createdAt) + 60_000);

    const read = await t.http.post('/api/v1/notifications/read', { ids: [first!.id] });
    expect(read.body).toEqual({ marked: 1 });
    clock.advance(60_000);
    await reconnect();
    await test();
    const after = await inbox(t.http);
    expect(after.map((n) => n.readAt === null)).toEqual([true, false]);
    expect(after[0]!.id).not.toBe(first!.id);
    expect(after.map((n) => n.subjectId)).toEqual([channel, channel]);
    modes.set('/flap-a', 'ok');
  });

  it('tells the author (while a member) and everyone who can publish when a post fails; nobody when it is published', async () => {
    const t = await h.tenant('failed');
    const author = await h.member(t.workspaceId, 'manager', 'failed-author');
    const editor = await h.member(t.workspaceId, 'editor', 'failed-editor');
    const analyst = await h.member(t.workspaceId, 'analyst', 'failed-analyst');
    const channel = await connect(t, 'failed-a');

    const ok = await postNow(author.http, t.workspaceId, channel, 'This one goes out');
    expect(await h.services.deliveryEngine.run(ok.deliveryId)).toBe('published');
    expect(await inbox(t.http)).toEqual([]);

    // Scheduled by the author as a manager, who is an editor by the time it fails: told as its author.
    const first = await postNow(author.http, t.workspaceId, channel, 'Spicy\n  announcement for everyone');
    const second = await postNow(author.http, t.workspaceId, channel, 'Second try');
    const demoted = await t.http.patch(`/api/v1/workspaces/${t.workspaceId}/members/${author.user.id}`, {
      role: 'editor',
    });
    expect(demoted.status, demoted.text).toBe(200);
    modes.set('/failed-a', 'reject400');
    expect(await h.services.deliveryEngine.run(first.deliveryId)).toBe('failed');
    const expected = {
      type: 'delivery.failed',
      title: 'A post could not be published to failed-a',
      body: expect.stringMatching(
        /answered 400.*Open the post to edit or retry it\. Post: “Spicy announcement/,
      ),
      link: `/w/${t.workspaceId}/posts/${first.postId}`,
      subjectId: first.deliveryId,
    };
    expect(await inbox(t.http)).toMatchObject([expected]);
    expect(await inbox(author.http)).toMatchObject([expected]);
    expect(await inbox(editor.http)).toEqual([]);
    expect(await inbox(analyst.http)).toEqual([]);

    // Once the author has left the workspace, only the people who can publish are told.
    const removed = await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/members/${author.user.id}`);
    expect(removed.status, removed.text).toBe(204);
    modes.set('/failed-a', 'reject400');
    expect(await h.services.deliveryEngine.run(second.deliveryId)).toBe('failed');
    const rows = await h.database.db
      .selectFrom('notifications')
      .select(['user_id'])
      .where('subject_id', '=', second.deliveryId)
      .execute();
    expect(rows.map((r) => r.user_id)).toEqual([t.user.id]);
    modes.set('/failed-a', 'ok');
  });

  it('asks the people who can publish to settle a delivery nobody can confirm', async () => {
    const t = await h.tenant('unsure');
    const manager = await h.member(t.workspaceId, 'manager', 'unsure-manager');
    const channel = await connect(t, 'unsure-a', 'discord');
    modes.set('/api/webhooks/1/unsure-a', 'reset');
    const { postId, deliveryId } = await postNow(t.http, t.workspaceId, channel, 'Did this arrive?');
    expect(await h.services.deliveryEngine.run(deliveryId)).toBe('unconfirmed');
    // Still being settled automatically: nobody is asked yet.
    expect(await inbox(t.http)).toEqual([]);
    expect(await h.services.deliverySettlement.settle(deliveryId)).toBe('needs_person');
    for (const person of [t.http, manager.http]) {
      expect(await inbox(person)).toMatchObject([
        {
          type: 'delivery.unconfirmed',
          title: 'Check whether a post reached unsure-a',
          body: expect.stringMatching(
            /Check the channel, then mark the delivery as published or send it again/,
          ),
          link: `/w/${t.workspaceId}/posts/${postId}`,
          subjectId: deliveryId,
        },
      ]);
    }
  });

  it('never lets a broken notification centre fail a publish or silence the webhooks', async () => {
    const t = await h.tenant('broken');
    const channel = await connect(t, 'broken-a');
    const endpoint = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/webhooks`, {
      url: `${receiver.url}/events`,
      events: ['delivery.failed'],
    });
    expect(endpoint.status, endpoint.text).toBe(201);
    h.secrets.add(endpoint.body.secret);
    const { deliveryId } = await postNow(
      t.http,
      t.workspaceId,
      channel,
      'Refused while notifications are down',
    );
    const db = h.database.db;
    modes.set('/broken-a', 'reject400');
    await sql`ALTER TABLE notifications RENAME TO notifications_away`.execute(db);
    try {
      expect(await h.services.deliveryEngine.run(deliveryId)).toBe('failed');
    } finally {
      await sql`ALTER TABLE notifications_away RENAME TO notifications`.execute(db);
      modes.set('/broken-a', 'ok');
    }
    const state = await db
      .selectFrom('deliveries')
      .select('state')
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    expect(state?.state).toBe('failed');
    const webhookEvents = await db
      .selectFrom('webhook_deliveries')
      .select('event_type')
      .where('workspace_id', '=', t.workspaceId)
      .execute();
    expect(webhookEvents.map((e) => e.event_type)).toEqual(['delivery.failed']);
    expect(await inbox(t.http)).toEqual([]);
  });
});
