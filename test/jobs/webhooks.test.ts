import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createLogger } from '../../src/core/logger.js';
import { verifyPayload } from '../../src/core/signature.js';
import { JobEngine } from '../../src/jobs/engine.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver } from '../support/receiver.js';

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Webhook deliveries through the real job engine: queued on emit, retries queued with a start time. */
describe.each(TEST_TARGETS)('webhook jobs on %s', (target) => {
  let h: Harness;
  let engine: JobEngine;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret = '';
  let answer = 200;

  beforeAll(async () => {
    h = await createHarness(target, { env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    engine = new JobEngine(
      h.database,
      h.services.jobHandlers,
      createLogger('silent'),
      { work: true, maintain: false, pollSeconds: 0.5 },
      h.databaseUrl ?? undefined,
    );
    await engine.start();
    h.services.jobs.attach(engine);
    receiver = await startReceiver((req, res) => {
      const ok = verifyPayload({
        secret,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string | undefined,
        timestamp: req.headers['x-chorus-timestamp'] as string | undefined,
        now: new Date(),
      });
      res.writeHead(ok ? answer : 401);
      res.end();
    });
  });
  afterAll(async () => {
    await engine.stop();
    await receiver.close();
    await h.close();
  });

  it('delivers an emitted event, and queues a failed attempt again for 30 seconds later', async () => {
    const t = await h.tenant('engine');
    const created = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/webhooks`, {
      url: `${receiver.url}/engine`,
      events: ['channel.needs_reconnect'],
    });
    expect(created.status, created.text).toBe(201);
    secret = created.body.secret;
    h.secrets.add(secret);
    const endpointId: string = created.body.endpoint.id;
    const data = { channelId: endpointId, network: 'mastodon', name: 'Main', reason: null };
    const log = async () =>
      (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/webhooks/${endpointId}/deliveries`)).body
        .deliveries as {
        id: string;
        status: string;
        attemptCount: number;
        nextAttemptAt: string | null;
        attempts: unknown[];
      }[];

    await h.services.webhooks.emit(t.workspaceId, 'channel.needs_reconnect', data);
    await until(async () => (await log())[0]?.status === 'delivered');
    expect(receiver.requests).toHaveLength(1);

    answer = 503;
    await h.services.webhooks.emit(t.workspaceId, 'channel.needs_reconnect', data);
    // attemptCount rises when a worker takes the attempt, before it is sent: wait for the recorded attempt.
    await until(async () => (await log())[0]?.attempts.length === 1);
    const [failing] = await log();
    expect(failing).toMatchObject({ status: 'pending', attemptCount: 1 });
    // The attempt is recorded first, then its retry is queued: wait for the job to be there.
    const retries = () =>
      sql<{ start_after: Date; data: { deliveryId: string; attempt: number } }>`
        SELECT start_after, data FROM pgboss.job
        WHERE name = 'webhooks.deliver.v1' AND state = 'created'`.execute(h.database.db);
    await until(async () => (await retries()).rows.length > 0);
    const queued = await retries();
    expect(queued.rows.map((r) => r.data)).toEqual([{ deliveryId: failing!.id, attempt: 2 }]);
    expect(new Date(queued.rows[0]!.start_after).toISOString()).toBe(failing!.nextAttemptAt);
    expect(Date.parse(failing!.nextAttemptAt!) - Date.now()).toBeGreaterThan(20_000);
  });
});
