import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createLogger } from '../../src/core/logger.js';
import { newId } from '../../src/core/ids.js';
import { sha256 } from '../../src/core/hash.js';
import { JobEngine } from '../../src/jobs/engine.js';
import { defineBatchJobHandler, defineJobHandler, type JobHandler } from '../../src/jobs/catalogue.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';

const logger = createLogger('silent');

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(TEST_TARGETS)('job engine on %s', (target) => {
  let h: Harness;
  let engine: JobEngine;
  const startEngine = (handlers: readonly JobHandler[]) =>
    new JobEngine(
      h.database,
      handlers,
      logger,
      { work: true, maintain: false, pollSeconds: 0.5 },
      h.databaseUrl ?? undefined,
    );

  beforeAll(async () => {
    h = await createHarness(target);
    engine = startEngine(h.services.jobHandlers);
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
    await h.close();
  });

  it('runs the real session clean-up job: expired sessions go, live ones stay', async () => {
    const owner = await h.tenant('jobs');
    const past = new Date(Date.now() - 60_000);
    await h.database.db
      .insertInto('sessions')
      .values({
        id: newId(),
        user_id: owner.user.id,
        token_hash: sha256('expired-session'),
        expires_at: past,
        idle_expires_at: past,
        last_seen_at: past,
        ip: null,
        user_agent: null,
      })
      .execute();
    const count = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${owner.user.id}`.execute(h.database.db)
        ).rows[0]!.n,
      );
    expect(await count()).toBe(2);
    await engine.send('sessions.cleanup.v1', {});
    await until(async () => (await count()) === 1);
    expect((await owner.http.get('/api/v1/me')).status).toBe(200);
  });

  it('runs audit retention: events older than the retention period are deleted', async () => {
    const old = new Date(Date.now() - (h.config.AUDIT_RETENTION_DAYS + 1) * 86_400_000);
    const id = newId();
    await h.database.db
      .insertInto('audit_events')
      .values({
        id,
        organization_id: null,
        workspace_id: null,
        actor_user_id: null,
        actor_token_id: null,
        action: 'test.old',
        target_type: null,
        target_id: null,
        ip: null,
        user_agent: null,
        data: '{}',
        created_at: old,
      })
      .execute();
    const recent = await h.database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '<>', 'test.old')
      .executeTakeFirstOrThrow();
    await engine.send('audit.retention.v1', {});
    await until(
      async () =>
        !(await h.database.db
          .selectFrom('audit_events')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst()),
    );
    const after = await h.database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(recent.n));
  });

  it('rejects a payload that does not match the catalogue before it is queued', async () => {
    await expect(engine.send('audit.retention.v1', { unexpected: true } as never)).rejects.toThrow();
  });

  it('graceful stop lets a running job finish', async () => {
    await engine.stop();
    let finished = false;
    let started = false;
    const slow = defineJobHandler('audit.retention.v1', async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 1500));
      finished = true;
    });
    const other = h.services.jobHandlers.filter((j) => j.name !== 'audit.retention.v1');
    const e2 = startEngine([...other, slow as JobHandler]);
    await e2.start();
    await e2.send('audit.retention.v1', {});
    await until(async () => started);
    await e2.stop(10_000);
    expect(finished).toBe(true);
    engine = startEngine(h.services.jobHandlers);
    await engine.start();
  });

  it('wakes the publishing workers when a job becomes due, not at their next poll', async () => {
    await engine.stop();
    const ran: number[] = [];
    const recorder = defineBatchJobHandler(
      'deliveries.publish.v1',
      async () => ran.push(Date.now()),
      async (jobs) => {
        for (let i = 0; i < jobs.length; i++) ran.push(Date.now());
      },
    );
    const other = h.services.jobHandlers.filter((j) => j.name !== 'deliveries.publish.v1');
    const slowPolling = new JobEngine(
      h.database,
      [...other, recorder as JobHandler],
      logger,
      { work: true, maintain: false, pollSeconds: 30 },
      h.databaseUrl ?? undefined,
    );
    await slowPolling.start();
    try {
      const due = Date.now() + 2_000;
      await slowPolling.send('deliveries.publish.v1', { deliveryId: newId() }, { startAfter: new Date(due) });
      await until(async () => ran.length === 1, 10_000);
      expect(ran[0]! - due).toBeGreaterThanOrEqual(0);
      expect(ran[0]! - due).toBeLessThan(2_000);
    } finally {
      await slowPolling.stop();
      engine = startEngine(h.services.jobHandlers);
      await engine.start();
    }
  });
});
