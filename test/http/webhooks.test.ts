import type { ServerResponse } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { verifyPayload } from '../../src/core/signature.js';
import { repositories } from '../../src/db/repositories.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/** The retry schedule docs/webhooks.md promises, in seconds after each failed attempt. */
const SCHEDULE = [30, 120, 600, 3600, 21_600];

type Answer = (req: ReceivedRequest, res: ServerResponse) => void;
const ok: Answer = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};

describe.each(TEST_TARGETS)('outbound webhooks on %s', (target) => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const clock = new ManualClock(new Date());
  /** What each receiver path answers, and the secret it verifies signatures with. */
  const answers = new Map<string, Answer>();
  const secrets = new Map<string, string>();
  /** Requests per path, with whether the signature verified against that path's secret. */
  const received = new Map<string, { req: ReceivedRequest; verified: boolean }[]>();
  let pathCounter = 0;

  beforeAll(async () => {
    h = await createHarness(target, { clock, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    receiver = await startReceiver((req, res) => {
      const secret = secrets.get(req.path) ?? '';
      const verified = verifyPayload({
        secret,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string | undefined,
        timestamp: req.headers['x-chorus-timestamp'] as string | undefined,
        now: clock.now(),
      });
      received.set(req.path, [...(received.get(req.path) ?? []), { req, verified }]);
      if (!verified) {
        res.writeHead(401);
        return void res.end('bad signature');
      }
      (answers.get(req.path) ?? ok)(req, res);
    });
  });
  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  const base = (t: { workspaceId: string }) => `/api/v1/workspaces/${t.workspaceId}/webhooks`;
  const newPath = (label: string) => `/hooks/${label}-${++pathCounter}`;
  const hits = (path: string) => received.get(path) ?? [];
  const deliverJobs = () => h.runQueuedJobs('webhooks.deliver.v1');

  /** Adds an endpoint for a fresh receiver path; the receiver verifies with the secret it was given. */
  async function addEndpoint(
    t: Awaited<ReturnType<Harness['tenant']>>,
    events: string[],
    options: { answer?: Answer; label?: string; enabled?: boolean } = {},
  ) {
    const path = newPath(options.label ?? 'ep');
    if (options.answer) answers.set(path, options.answer);
    const res = await t.http.post(base(t), {
      url: `${receiver.url}${path}`,
      events,
      ...(options.enabled === undefined ? {} : { enabled: options.enabled }),
    });
    expect(res.status, res.text).toBe(201);
    secrets.set(path, res.body.secret);
    h.secrets.add(res.body.secret);
    return { path, id: res.body.endpoint.id as string, secret: res.body.secret as string };
  }

  const deliveries = async (t: Awaited<ReturnType<Harness['tenant']>>, endpointId: string, query = '') => {
    const res = await t.http.get(`${base(t)}/${endpointId}/deliveries${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body as { deliveries: any[]; nextCursor: string | null };
  };

  const published = (n = 1) => ({
    deliveryId: `00000000-0000-7000-8000-00000000000${n}`,
    postId: '0190a0a0-0000-7000-8000-0000000000aa',
    channelId: '0190a0a0-0000-7000-8000-0000000000bb',
    network: 'bluesky',
    remoteId: `at://post/${n}`,
    url: null,
    publishedAt: clock.now().toISOString(),
  });

  it('creates an endpoint whose signing secret is shown once, stored encrypted, and never returned again', async () => {
    const t = await h.tenant('create');
    const res = await t.http.post(base(t), {
      url: `${receiver.url}/hooks/created`,
      description: ' Order system ',
      events: ['delivery.published', 'delivery.failed', 'delivery.published'],
    });
    expect(res.status, res.text).toBe(201);
    const secret: string = res.body.secret;
    h.secrets.add(secret);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(res.body.endpoint).toMatchObject({
      url: `${receiver.url}/hooks/created`,
      description: 'Order system',
      events: ['delivery.published', 'delivery.failed'],
      enabled: true,
      disabledReason: null,
    });
    expect(Object.keys(res.body.endpoint)).not.toContain('secretId');

    // From here on the harness fails any response that contains the secret.
    const list = await t.http.get(base(t));
    expect(list.status).toBe(200);
    expect(list.body.endpoints.map((e: { id: string }) => e.id)).toEqual([res.body.endpoint.id]);
    expect((await t.http.get(`${base(t)}/${res.body.endpoint.id}`)).status).toBe(200);

    const stored = await h.database.db
      .selectFrom('vault_secrets')
      .select(['ciphertext'])
      .where('purpose', '=', 'webhook.signing_secret')
      .where('workspace_id', '=', t.workspaceId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.ciphertext).not.toContain(secret);
    expect(stored[0]!.ciphertext).not.toContain(secret.slice(6));

    const audit = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toContain('webhook.created');
  });

  it('delivers an emitted event, correctly signed with the right headers, to subscribed enabled endpoints only', async () => {
    const t = await h.tenant('emit');
    const subscribed = await addEndpoint(t, ['delivery.published', 'channel.needs_reconnect'], {
      label: 'subscribed',
    });
    const other = await addEndpoint(t, ['delivery.failed'], { label: 'other-event' });
    const disabled = await addEndpoint(t, ['delivery.published'], { label: 'disabled', enabled: false });
    const elsewhere = await h.tenant('emit-elsewhere');
    const otherTenant = await addEndpoint(elsewhere, ['delivery.published'], { label: 'other-tenant' });

    const data = published(1);
    const eventId = await h.services.webhooks.emit(t.workspaceId, 'delivery.published', data);
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    await deliverJobs();

    expect(hits(other.path)).toHaveLength(0);
    expect(hits(disabled.path)).toHaveLength(0);
    expect(hits(otherTenant.path)).toHaveLength(0);
    expect(hits(subscribed.path)).toHaveLength(1);
    const { req, verified } = hits(subscribed.path)[0]!;
    expect(verified).toBe(true);
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Chorus-Webhooks');
    expect(req.headers['x-chorus-event']).toBe('delivery.published');
    expect(Number(req.headers['x-chorus-timestamp'])).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(JSON.parse(req.body)).toEqual({
      id: eventId,
      type: 'delivery.published',
      createdAt: clock.now().toISOString(),
      workspaceId: t.workspaceId,
      data,
    });
    // The signature covers exactly the bytes sent: any change to the body breaks it.
    expect(
      verifyPayload({
        secret: subscribed.secret,
        body: req.body.replace('bluesky', 'mastodon'),
        signature: req.headers['x-chorus-signature'] as string,
        timestamp: req.headers['x-chorus-timestamp'] as string,
        now: clock.now(),
      }),
    ).toBe(false);

    const log = await deliveries(t, subscribed.id);
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({
      id: req.headers['x-chorus-delivery'],
      eventId,
      eventType: 'delivery.published',
      status: 'delivered',
      attemptCount: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: clock.now().toISOString(),
      payload: JSON.parse(req.body),
    });
    expect(log.deliveries[0].attempts).toMatchObject([
      { attempt: 1, statusCode: 200, error: null, responseExcerpt: '{"ok":true}' },
    ]);
    expect((await deliveries(t, other.id)).deliveries).toHaveLength(0);
    expect((await deliveries(t, disabled.id)).deliveries).toHaveLength(0);

    // An event nobody subscribed to is recorded nowhere.
    await h.services.webhooks.emit(t.workspaceId, 'delivery.unconfirmed', {
      ...published(2),
      reason: 'timed out',
      sentAt: clock.now().toISOString(),
    });
    expect(h.queuedJobs).toHaveLength(0);
  });

  it('retries a failing receiver on the documented schedule, logs every attempt, fails after the last, and redelivers', async () => {
    const t = await h.tenant('retry');
    let failing = true;
    const endpoint = await addEndpoint(t, ['delivery.failed'], {
      label: 'flaky',
      // The receiver echoes the secret back: it must never reach the delivery log.
      answer: (req, res) => {
        if (!failing) return ok(req, res);
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`upstream broke; secret was ${secrets.get(req.path)}`);
      },
    });
    const eventId = await h.services.webhooks.emit(t.workspaceId, 'delivery.failed', {
      ...published(3),
      error: { kind: 'invalid_content', message: 'Too long' },
      failedAt: clock.now().toISOString(),
    });
    const startedAt: number[] = [];
    await deliverJobs();
    startedAt.push(clock.now().getTime());
    for (const [i, seconds] of SCHEDULE.entries()) {
      const log = await deliveries(t, endpoint.id);
      const delivery = log.deliveries[0];
      expect(delivery).toMatchObject({ status: 'pending', attemptCount: i + 1, lastStatusCode: 500 });
      expect(delivery.lastError).toBe('The endpoint answered 500.');
      expect(delivery.nextAttemptAt).toBe(new Date(clock.now().getTime() + seconds * 1000).toISOString());
      // Not a second early.
      clock.advance(seconds * 1000 - 1000);
      await deliverJobs();
      expect(hits(endpoint.path)).toHaveLength(i + 1);
      clock.advance(1000);
      await deliverJobs();
      expect(hits(endpoint.path)).toHaveLength(i + 2);
      startedAt.push(clock.now().getTime());
    }
    const failed = (await deliveries(t, endpoint.id)).deliveries[0];
    expect(failed).toMatchObject({
      eventId,
      status: 'failed',
      attemptCount: 6,
      maxAttempts: 6,
      nextAttemptAt: null,
      lastStatusCode: 500,
    });
    expect(failed.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(failed.attempts.map((a: { startedAt: string }) => Date.parse(a.startedAt))).toEqual(startedAt);
    for (const attempt of failed.attempts) {
      expect(attempt).toMatchObject({ statusCode: 500, error: 'The endpoint answered 500.' });
      expect(attempt.responseExcerpt).toBe('upstream broke; secret was [redacted]');
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(h.queuedJobs).toHaveLength(0);
    // Every attempt was signed and carried the same delivery id, so the receiver can drop duplicates.
    const ids = new Set(hits(endpoint.path).map((x) => x.req.headers['x-chorus-delivery']));
    expect([...ids]).toEqual([failed.id]);
    expect(hits(endpoint.path).every((x) => x.verified)).toBe(true);

    failing = false;
    clock.advance(60_000);
    const again = await t.http.post(`${base(t)}/${endpoint.id}/deliveries/${failed.id}/redeliver`);
    expect(again.status, again.text).toBe(200);
    expect(again.body.delivery).toMatchObject({ id: failed.id, status: 'pending', maxAttempts: 7 });
    await deliverJobs();
    const done = (await deliveries(t, endpoint.id)).deliveries[0];
    expect(done).toMatchObject({
      status: 'delivered',
      attemptCount: 7,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(done.attempts).toHaveLength(7);
    expect(hits(endpoint.path).at(-1)!.req.headers['x-chorus-delivery']).toBe(failed.id);
    expect(JSON.parse(hits(endpoint.path).at(-1)!.req.body).id).toBe(eventId);

    const twice = await t.http.post(`${base(t)}/${endpoint.id}/deliveries/${failed.id}/redeliver`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/only failed deliveries/i);
  });

  it('honours Retry-After on 429 and 503 when it is longer than the schedule', async () => {
    const t = await h.tenant('retry-after');
    const statuses: [number, string][] = [
      [503, '5'],
      [429, '900'],
    ];
    const endpoint = await addEndpoint(t, ['channel.needs_reconnect'], {
      answer: (_req, res) => {
        const [status, after] = statuses.shift() ?? [200, ''];
        res.writeHead(status, after ? { 'retry-after': after } : {});
        res.end();
      },
    });
    await h.services.webhooks.emit(t.workspaceId, 'channel.needs_reconnect', {
      channelId: '0190a0a0-0000-7000-8000-0000000000bb',
      network: 'mastodon',
      name: 'Main account',
      reason: 'The token was revoked.',
    });
    await deliverJobs();
    let delivery = (await deliveries(t, endpoint.id)).deliveries[0];
    // 5 s is shorter than the first delay (30 s): the schedule wins.
    expect(Date.parse(delivery.nextAttemptAt) - clock.now().getTime()).toBe(30_000);
    clock.advance(30_000);
    await deliverJobs();
    delivery = (await deliveries(t, endpoint.id)).deliveries[0];
    // 900 s is longer than the second delay (120 s): Retry-After wins.
    expect(Date.parse(delivery.nextAttemptAt) - clock.now().getTime()).toBe(900_000);
    clock.advance(120_000);
    await deliverJobs();
    expect(hits(endpoint.path)).toHaveLength(2);
    clock.advance(780_000);
    await deliverJobs();
    expect(hits(endpoint.path)).toHaveLength(3);
    expect((await deliveries(t, endpoint.id)).deliveries[0].status).toBe('delivered');
  });

  it('disables an endpoint that answers 410 Gone, with the reason, and sends it nothing more', async () => {
    const t = await h.tenant('gone');
    const endpoint = await addEndpoint(t, ['delivery.published'], {
      answer: (_req, res) => {
        res.writeHead(410);
        res.end('gone for good');
      },
    });
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(4));
    await deliverJobs();
    const delivery = (await deliveries(t, endpoint.id)).deliveries[0];
    expect(delivery).toMatchObject({ status: 'failed', attemptCount: 1, lastStatusCode: 410 });
    expect(h.queuedJobs).toHaveLength(0);
    const disabled = (await t.http.get(`${base(t)}/${endpoint.id}`)).body.endpoint;
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledReason).toMatch(/410 Gone.*Enable it again/);
    const audit = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toContain('webhook.disabled');

    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(5));
    await deliverJobs();
    expect(hits(endpoint.path)).toHaveLength(1);
    expect((await deliveries(t, endpoint.id)).deliveries).toHaveLength(1);
    const redeliver = await t.http.post(`${base(t)}/${endpoint.id}/deliveries/${delivery.id}/redeliver`);
    expect(redeliver.status).toBe(409);
    expect(redeliver.body.error.message).toMatch(/disabled.*Enable it/);

    const enabled = await t.http.patch(`${base(t)}/${endpoint.id}`, { enabled: true });
    expect(enabled.body.endpoint).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
  });

  it('sends nothing for a delivery whose endpoint was disabled before its attempt', async () => {
    const t = await h.tenant('disable-pending');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(6));
    const off = await t.http.patch(`${base(t)}/${endpoint.id}`, { enabled: false });
    expect(off.status, off.text).toBe(200);
    expect(off.body.endpoint).toMatchObject({ enabled: false, disabledReason: null });
    await deliverJobs();
    expect(hits(endpoint.path)).toHaveLength(0);
    const delivery = (await deliveries(t, endpoint.id)).deliveries[0];
    expect(delivery).toMatchObject({ status: 'failed', attemptCount: 0, attempts: [] });
    expect(delivery.lastError).toMatch(/disabled/);
    const test = await t.http.post(`${base(t)}/${endpoint.id}/test`);
    expect(test.status).toBe(409);
  });

  it('sends a ping to the tested endpoint only and returns its delivery', async () => {
    const t = await h.tenant('ping');
    const tested = await addEndpoint(t, ['delivery.published']);
    const untouched = await addEndpoint(t, ['delivery.published']);
    const res = await t.http.post(`${base(t)}/${tested.id}/test`);
    expect(res.status, res.text).toBe(201);
    expect(res.body.delivery).toMatchObject({
      endpointId: tested.id,
      eventType: 'ping',
      status: 'pending',
      attemptCount: 0,
      attempts: [],
      payload: { type: 'ping', workspaceId: t.workspaceId, data: { endpointId: tested.id } },
    });
    await deliverJobs();
    expect(hits(untouched.path)).toHaveLength(0);
    expect(hits(tested.path)).toHaveLength(1);
    expect(hits(tested.path)[0]!.verified).toBe(true);
    expect(hits(tested.path)[0]!.req.headers['x-chorus-event']).toBe('ping');
    expect(hits(tested.path)[0]!.req.headers['x-chorus-delivery']).toBe(res.body.delivery.id);
    expect((await deliveries(t, tested.id)).deliveries[0].status).toBe('delivered');
  });

  it('rotates the secret: the new one is shown once and signs every later request', async () => {
    const t = await h.tenant('rotate');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    const oldSecretId = (
      await h.database.db
        .selectFrom('webhook_endpoints')
        .select('secret_id')
        .where('id', '=', endpoint.id)
        .executeTakeFirstOrThrow()
    ).secret_id;
    const res = await t.http.post(`${base(t)}/${endpoint.id}/rotate-secret`);
    expect(res.status, res.text).toBe(200);
    const secret: string = res.body.secret;
    h.secrets.add(secret);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);
    expect(
      await h.database.db.selectFrom('vault_secrets').select('id').where('id', '=', oldSecretId).execute(),
    ).toHaveLength(0);

    // The receiver still has the old secret: the next request fails its check.
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(7));
    await deliverJobs();
    expect(hits(endpoint.path).map((x) => x.verified)).toEqual([false]);
    secrets.set(endpoint.path, secret);
    clock.advance(30_000);
    await deliverJobs();
    expect(hits(endpoint.path).map((x) => x.verified)).toEqual([false, true]);
    expect((await deliveries(t, endpoint.id)).deliveries[0]).toMatchObject({
      status: 'delivered',
      attemptCount: 2,
    });
    const audit = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toContain('webhook.secret_rotated');
  });

  it('updates and deletes an endpoint; deleting removes its secret and its log', async () => {
    const t = await h.tenant('update');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    const moved = newPath('moved');
    secrets.set(moved, endpoint.secret);
    const res = await t.http.patch(`${base(t)}/${endpoint.id}`, {
      url: `${receiver.url}${moved}`,
      description: 'Moved',
      events: ['delivery.failed'],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.endpoint).toMatchObject({
      url: `${receiver.url}${moved}`,
      description: 'Moved',
      events: ['delivery.failed'],
    });
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(8));
    await h.services.webhooks.emit(t.workspaceId, 'delivery.failed', {
      ...published(9),
      error: { kind: 'auth', message: 'x' },
      failedAt: clock.now().toISOString(),
    });
    await deliverJobs();
    expect(hits(endpoint.path)).toHaveLength(0);
    expect(hits(moved).map((x) => x.req.headers['x-chorus-event'])).toEqual(['delivery.failed']);

    const secretId = (
      await h.database.db
        .selectFrom('webhook_endpoints')
        .select('secret_id')
        .where('id', '=', endpoint.id)
        .executeTakeFirstOrThrow()
    ).secret_id;
    expect((await t.http.delete(`${base(t)}/${endpoint.id}`)).status).toBe(204);
    expect((await t.http.get(`${base(t)}/${endpoint.id}`)).status).toBe(404);
    expect((await t.http.get(base(t))).body.endpoints).toEqual([]);
    expect(
      await h.database.db.selectFrom('vault_secrets').select('id').where('id', '=', secretId).execute(),
    ).toHaveLength(0);
    expect(
      await h.database.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('endpoint_id', '=', endpoint.id)
        .execute(),
    ).toHaveLength(0);
    const audit = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['webhook.updated', 'webhook.deleted']),
    );
  });

  it('refuses bad input with a message that says what to fix', async () => {
    const t = await h.tenant('input');
    const create = (body: unknown) => t.http.post(base(t), body);
    const cases: [unknown, RegExp][] = [
      [{ url: 'not a url', events: ['ping'] }, /not a valid URL.*https:\/\/example\.com/],
      [{ url: 'ftp://example.com/x', events: ['delivery.published'] }, /must start with https:\/\//],
      [{ url: 'http://example.com/hook', events: ['delivery.published'] }, /Use https:\/\/ for example\.com/],
      [{ url: 'https://user:pw@example.com/hook', events: ['delivery.published'] }, /user name or password/],
      [{ url: 'https://example.com/hook', events: [] }, /Choose at least one event/],
      [{ url: 'https://example.com/hook' }, /events/],
      [{ url: 'https://example.com/hook', events: ['delivery.published'], secret: 'x' }, /secret/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message, JSON.stringify(body)).toMatch(message);
    }
    const unknown = await create({
      url: 'https://example.com/hook',
      events: ['delivery.published', 'post.liked'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'Unknown event: post.liked. Valid events: delivery.published, delivery.failed, delivery.unconfirmed, channel.needs_reconnect.',
    );
    expect(unknown.body.error.details).toMatchObject({ unknown: ['post.liked'] });
    const ping = await create({ url: 'https://example.com/hook', events: ['ping'] });
    expect(ping.body.error.message).toMatch(/ping needs no subscription/);
    expect((await t.http.get(base(t))).body.endpoints).toEqual([]);

    const endpoint = await addEndpoint(t, ['delivery.published']);
    const empty = await t.http.patch(`${base(t)}/${endpoint.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/at least one of url, description, events or enabled/);
    const badEvents = await t.http.patch(`${base(t)}/${endpoint.id}`, { events: ['nope'] });
    expect(badEvents.status).toBe(400);
    const cursor = await t.http.get(`${base(t)}/${endpoint.id}/deliveries?before=garbage`);
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.message).toMatch(/nextCursor/);
    const events = await t.http.get('/api/v1/webhook-events');
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual([
      'delivery.published',
      'delivery.failed',
      'delivery.unconfirmed',
      'channel.needs_reconnect',
    ]);
  });

  it('pages the delivery log newest first with a before cursor', async () => {
    const t = await h.tenant('pages');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    const eventIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      eventIds.push(await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(i)));
    }
    await deliverJobs();
    const seen: string[] = [];
    let query = '?limit=2';
    for (const size of [2, 2, 1]) {
      const page = await deliveries(t, endpoint.id, query);
      expect(page.deliveries).toHaveLength(size);
      seen.push(...page.deliveries.map((d) => d.eventId));
      if (size === 1) expect(page.nextCursor).toBeNull();
      else query = `?limit=2&before=${page.nextCursor}`;
    }
    expect(seen).toEqual([...eventIds].reverse());
  });

  it('sends an attempt once even when its job runs twice, at the same time or later', async () => {
    const t = await h.tenant('idempotent');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(1));
    const [job] = h.queuedJobs.splice(0);
    expect(job).toMatchObject({ name: 'webhooks.deliver.v1' });
    const handler = h.services.jobHandlers.find((j) => j.name === 'webhooks.deliver.v1')!;
    const results = await Promise.all([
      handler.handle(job!.payload as never, { jobId: 'a' }),
      handler.handle(job!.payload as never, { jobId: 'b' }),
    ]);
    await handler.handle(job!.payload as never, { jobId: 'c' });
    expect(hits(endpoint.path)).toHaveLength(1);
    expect(results.filter((r) => (r as { outcome?: string }).outcome === 'delivered')).toHaveLength(1);
    expect((await deliveries(t, endpoint.id)).deliveries[0].attempts).toHaveLength(1);
  });

  it('the sweep queues attempts whose job was lost, and takes over from a worker that died mid-attempt', async () => {
    const t = await h.tenant('sweep');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(1));
    await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(2));
    h.queuedJobs.splice(0); // both jobs lost
    const [second, first] = (await deliveries(t, endpoint.id)).deliveries;
    // A worker took the first delivery's first attempt, then died before sending it.
    await repositories(h.database.db).webhooks.claim(
      first.id,
      1,
      clock.now(),
      new Date(clock.now().getTime() + 60_000),
    );
    const sweep = h.services.jobHandlers.find((j) => j.name === 'webhooks.sweep.v1')!;
    expect(await sweep.handle({} as never, { jobId: 's1' })).toEqual({ queued: 0 });
    clock.advance(5 * 60_000);
    expect(await sweep.handle({} as never, { jobId: 's2' })).toEqual({ queued: 2 });
    await deliverJobs();
    expect(
      hits(endpoint.path)
        .map((x) => x.req.headers['x-chorus-delivery'])
        .sort(),
    ).toEqual([first.id, second.id].sort());
    const log = (await deliveries(t, endpoint.id)).deliveries;
    expect(log.map((d) => [d.status, d.attemptCount, d.attempts.length])).toEqual([
      ['delivered', 1, 1],
      ['delivered', 1, 1],
    ]);
  });

  it('keeps finished deliveries in the log for 30 days, then deletes them with their attempts; pending ones stay', async () => {
    const t = await h.tenant('retention');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    for (const n of [1, 2, 3, 4])
      await h.services.webhooks.emit(t.workspaceId, 'delivery.published', published(n));
    await deliverJobs();
    const ids = (await deliveries(t, endpoint.id)).deliveries.map((d: { id: string }) => d.id);
    expect(ids).toHaveLength(4);
    const [oldDelivered, oldFailed, oldPending, recent] = ids as [string, string, string, string];
    const db = h.database.db;
    const daysAgo = (days: number) => new Date(clock.now().getTime() - days * 86_400_000);
    const set = (id: string, status: 'delivered' | 'failed' | 'pending', days: number) =>
      // Creation times are never changed by Chorus; the test moves them back directly.
      sql`UPDATE webhook_deliveries SET status = ${status}, created_at = ${daysAgo(days)} WHERE id = ${id}`.execute(
        db,
      );
    await set(oldDelivered, 'delivered', 31);
    await set(oldFailed, 'failed', 31);
    await set(oldPending, 'pending', 31);
    await set(recent, 'delivered', 29);

    const job = h.services.jobHandlers.find((j) => j.name === 'webhooks.retention.v1')!;
    const result = (await job.handle({} as never, { jobId: 'webhook-retention' })) as { deleted: number };
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    const left = await db.selectFrom('webhook_deliveries').select('id').where('id', 'in', ids).execute();
    expect(left.map((r) => r.id).sort()).toEqual([oldPending, recent].sort());
    const attempts = await db
      .selectFrom('webhook_attempts')
      .select('delivery_id')
      .where('delivery_id', 'in', [oldDelivered, oldFailed])
      .execute();
    expect(attempts).toEqual([]);
    expect(await job.handle({} as never, { jobId: 'webhook-retention-again' })).toEqual({ deleted: 0 });
  });

  it('shows and manages webhooks only for those who may manage the workspace (URLs and payloads are sensitive)', async () => {
    const t = await h.tenant('roles');
    const endpoint = await addEndpoint(t, ['delivery.published']);
    for (const role of ['analyst', 'editor', 'client']) {
      const member = await h.member(t.workspaceId, role);
      const attempts = [
        await member.http.get(base(t)),
        await member.http.get(`${base(t)}/${endpoint.id}`),
        await member.http.get(`${base(t)}/${endpoint.id}/deliveries`),
        await member.http.post(base(t), { url: 'https://example.com/x', events: ['delivery.published'] }),
        await member.http.patch(`${base(t)}/${endpoint.id}`, { enabled: false }),
        await member.http.post(`${base(t)}/${endpoint.id}/rotate-secret`),
        await member.http.post(`${base(t)}/${endpoint.id}/test`),
        await member.http.delete(`${base(t)}/${endpoint.id}`),
      ];
      for (const res of attempts) {
        expect(res.status, `${role}: ${res.text}`).toBe(403);
        expect(res.body.error.message).toMatch(/workspace\.manage/);
        expect(res.text).not.toContain(endpoint.path);
      }
    }
    const manager = await h.member(t.workspaceId, 'manager');
    expect((await manager.http.get(base(t))).body.endpoints.map((e: { id: string }) => e.id)).toEqual([
      endpoint.id,
    ]);
    expect((await manager.http.get(`${base(t)}/${endpoint.id}/deliveries`)).status).toBe(200);
    expect((await t.http.get(`${base(t)}/${endpoint.id}`)).body.endpoint.enabled).toBe(true);
  });
});

describe('webhooks without private egress', () => {
  it('refuses private and loopback addresses unless the administrator allows them', async () => {
    const h = await createHarness('pglite');
    const receiver = await startReceiver((_req, res) => res.end());
    try {
      const t = await h.tenant('ssrf');
      for (const url of [
        `${receiver.url}/x`,
        'http://localhost:9/x',
        'https://10.0.0.8/hook',
        'https://169.254.169.254/latest',
        'https://[::1]/hook',
      ]) {
        const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/webhooks`, {
          url,
          events: ['delivery.published'],
        });
        expect(res.status, url).toBe(400);
        expect(res.body.error.message, url).toMatch(/private or reserved address.*EGRESS_ALLOW_PRIVATE/);
      }
      const allowed = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/webhooks`, {
        url: 'https://hooks.example.com/chorus',
        events: ['delivery.published'],
      });
      expect(allowed.status, allowed.text).toBe(201);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
      await h.close();
    }
  });
});
