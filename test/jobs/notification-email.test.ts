import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { newId } from '../../src/core/ids.js';
import { JobEngine } from '../../src/jobs/engine.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { closedSmtpUrl, startMailServer, SwitchableSmtp } from '../support/mail-server.js';

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A notification e-mail through the real job engine while the mail server is down: the job fails, pg-boss
 * schedules a retry with backoff, and once the server is back the retry delivers it, once.
 */
describe.each(TEST_TARGETS)('notification e-mail jobs on %s', (target) => {
  let h: Harness;
  let engine: JobEngine;
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let mailer: SwitchableSmtp;

  beforeAll(async () => {
    mail = await startMailServer();
    mailer = new SwitchableSmtp(await closedSmtpUrl());
    h = await createHarness(target, { mailer });
    engine = new JobEngine(
      h.database,
      h.services.jobHandlers,
      createLogger('silent'),
      { work: true, maintain: false, pollSeconds: 0.5 },
      h.databaseUrl ?? undefined,
    );
    await engine.start();
    h.services.jobs.attach(engine);
  });
  afterAll(async () => {
    await engine.stop();
    await mail.close();
    await h.close();
  });

  it('retries a failed e-mail with backoff and sends it once the mail server is back', async () => {
    const t = await h.tenant('engine-mail');
    const link = `/w/${t.workspaceId}/posts/${newId()}`;
    const written = await h.services.notifications.notify([t.user.id], {
      workspaceId: t.workspaceId,
      type: 'delivery.failed',
      title: 'Engine failure',
      body: 'The network refused the post.',
      link,
      subjectId: newId(),
    });
    // The feature's notify finished without waiting for the mail server.
    expect(written).toBe(1);
    type JobRow = { id: string; state: string; retry_count: number; wait_s: number };
    const job = async () =>
      (
        await sql<JobRow>`SELECT id, state, retry_count,
            EXTRACT(EPOCH FROM (start_after - now()))::float AS wait_s
          FROM pgboss.job WHERE name = 'notifications.email.v1'`.execute(h.database.db)
      ).rows[0];
    await until(async () => (await job())?.state === 'retry');
    const failed = (await job())!;
    // Backoff: the first retry waits 30–60 seconds.
    expect(failed.wait_s).toBeGreaterThan(20);
    expect(failed.wait_s).toBeLessThanOrEqual(60);

    // The mail server is back; the wait is over (moved, not slept through).
    mailer.smtpUrl = mail.url;
    await sql`UPDATE pgboss.job SET start_after = now() WHERE id = ${failed.id}::uuid`.execute(h.database.db);
    const m = await mail.waitFor((x) => x.to.includes(t.email));
    expect(m.text).toContain(`http://chorus.test${link}`);
    await until(async () => (await job())?.state === 'completed');
    // It ran twice: the failed first attempt and the retry.
    expect((await job())!.retry_count).toBe(1);
    expect(mail.messages.filter((x) => x.to.includes(t.email))).toHaveLength(1);
  });
});
