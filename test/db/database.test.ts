import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate, openDatabase } from '../../src/db/database.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { backup, restore, RestoreError } from '../../src/db/backup.js';
import { image } from '../support/media-files.js';
import { repositories } from '../../src/db/repositories.js';
import { Keyring } from '../../src/modules/vault/keyring.js';
import { VaultService } from '../../src/modules/vault/vault.service.js';

import { TEST_TARGETS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createHarness } from '../support/harness.js';

describe.each(TEST_TARGETS)('database on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(target, { migrate: false });
  });
  afterAll(async () => t.drop());

  it('applies migrations once; re-running is a no-op', async () => {
    expect(await migrate(t.database)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await migrate(t.database)).toEqual([]);
  });

  it('stores instants as timestamptz, independent of the session time zone', async () => {
    const repos = repositories(t.database.db);
    const at = new Date('2026-03-29T01:30:00.000Z'); // the hour Europe's clocks jump
    await sql`SET TIME ZONE 'Asia/Kolkata'`.execute(t.database.db);
    await repos.organizations.insert({ id: '0190a0a0-0000-7000-8000-000000000001', name: 'TZ org' });
    await sql`UPDATE organizations SET created_at = ${at} WHERE name = 'TZ org'`.execute(t.database.db);
    await sql`SET TIME ZONE 'America/New_York'`.execute(t.database.db);
    const row = await t.database.db
      .selectFrom('organizations')
      .select('created_at')
      .where('name', '=', 'TZ org')
      .executeTakeFirstOrThrow();
    expect(row.created_at).toBeInstanceOf(Date);
    expect(row.created_at.toISOString()).toBe(at.toISOString());
    const types = await sql<{ data_type: string }>`
      SELECT DISTINCT data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND (column_name LIKE '%\\_at' OR column_name LIKE '%\\_until')`.execute(
      t.database.db,
    );
    expect(types.rows.map((r) => r.data_type)).toEqual(['timestamp with time zone']);
  });

  it('encrypts secrets at rest, binds them to their row, and rotates keys', async () => {
    const repos = repositories(t.database.db);
    const oldKey = randomBytes(32);
    const v1 = new VaultService(repos.vault, new Keyring(oldKey));
    const ids = await Promise.all(
      ['app-password-1', 'app-password-2', 'oauth-refresh-3'].map((p) =>
        v1.store({ workspaceId: null, purpose: 'test', plaintext: p }),
      ),
    );
    const stored = await t.database.db
      .selectFrom('vault_secrets')
      .selectAll()
      .where('id', 'in', ids)
      .execute();
    for (const row of stored) expect(row.ciphertext).not.toContain('app-password');
    expect(await v1.reveal(ids[0]!)).toBe('app-password-1');

    // A ciphertext moved to another row does not decrypt there.
    await t.database.db
      .updateTable('vault_secrets')
      .set({ ciphertext: stored.find((r) => r.id === ids[1])!.ciphertext })
      .where('id', '=', ids[0]!)
      .execute();
    await expect(v1.reveal(ids[0]!)).rejects.toThrow();
    await v1.replace(ids[0]!, 'app-password-1');

    const newKey = randomBytes(32);
    const v2 = new VaultService(repos.vault, new Keyring(newKey, [oldKey]));
    expect(await v2.rotate(2)).toEqual({ reencrypted: 3 });
    expect(await v2.rotate()).toEqual({ reencrypted: 0 });
    const onlyNew = new VaultService(repos.vault, new Keyring(newKey));
    expect(await onlyNew.reveal(ids[2]!)).toBe('oauth-refresh-3');
    const onlyOld = new VaultService(repos.vault, new Keyring(oldKey));
    await expect(onlyOld.reveal(ids[1]!)).rejects.toThrow(/not configured/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('concurrent start-up on PostgreSQL', () => {
  it('two processes migrating at once apply each migration exactly once', async () => {
    const t = await createTestDatabase('postgres', { migrate: false });
    const other = await openDatabase({ kind: 'postgres', url: t.url! });
    try {
      const [x, y] = await Promise.all([migrate(t.database), migrate(other)]);
      expect([...x, ...y].sort()).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await other.close();
      await t.drop();
    }
  });
});

describe.each(TEST_TARGETS.flatMap((from) => TEST_TARGETS.map((to) => [from, to] as const)))(
  'backup from %s, restore into %s',
  (from, to) => {
    it('restores every row, and the restored instance works', async () => {
      const h = await createHarness(from);
      const target = await createTestDatabase(to, { migrate: false });
      try {
        const owner = await h.tenant('backup');
        await owner.http.post(`/api/v1/workspaces/${owner.workspaceId}/invitations`, {
          email: 'later@example.test',
          role: 'client',
        });
        await owner.http.post('/api/v1/tokens', {
          name: 'ci',
          workspaceIds: [owner.workspaceId],
          permissions: ['posts.read'],
        });
        await h.services.vault.store({
          workspaceId: owner.workspaceId,
          purpose: 'test',
          plaintext: 'an app password',
        });
        const hook = await owner.http.post(`/api/v1/workspaces/${owner.workspaceId}/webhooks`, {
          url: 'https://hooks.example.com/chorus',
          events: ['delivery.failed', 'channel.needs_reconnect'],
        });
        expect(hook.status, hook.text).toBe(201);
        const eventId = await h.services.webhooks.emit(owner.workspaceId, 'channel.needs_reconnect', {
          channelId: owner.workspaceId,
          network: 'mastodon',
          name: 'Main',
          reason: null,
        });
        const media = await owner.http.raw(
          'POST',
          `/api/v1/workspaces/${owner.workspaceId}/media?filename=logo.png&tags=brand,blue`,
          { body: await image('png', 30, 20) },
        );
        expect(media.status, media.text).toBe(201);
        const file = path.join(process.env.CHORUS_TEST_TMP!, `backup-${from}-${to}-${Date.now()}.jsonl.gz`);
        const written = await backup(h.database, file);
        expect(written.users).toBe(1);
        const restored = await restore(target.database, file);
        for (const [table, n] of Object.entries(written)) expect(restored[table] ?? 0, table).toBe(n);

        const repos = repositories(target.database.db);
        const user = await repos.users.findByEmail(owner.email);
        expect(user?.id).toBe(owner.user.id);
        const ws = await repos.workspaces.accessibleBy(owner.user.id);
        expect(ws.map((w) => w.id)).toEqual([owner.workspaceId]);
        const tokens = await repos.tokens.listForUser(owner.user.id);
        expect(tokens[0]?.permissions).toEqual(['posts.read']);
        const secret = (
          await target.database.db
            .selectFrom('vault_secrets')
            .select('id')
            .where('purpose', '=', 'test')
            .executeTakeFirstOrThrow()
        ).id;
        expect(await new VaultService(repos.vault, h.keyring).reveal(secret)).toBe('an app password');
        const events = await target.database.db
          .selectFrom('audit_events')
          .select('data')
          .where('action', '=', 'member.invited')
          .execute();
        expect(events[0]?.data).toMatchObject({ email: 'later@example.test', role: 'client' });
        const [endpoint] = await repos.webhooks.listEndpoints(owner.workspaceId);
        expect(endpoint?.events).toEqual(['delivery.failed', 'channel.needs_reconnect']);
        expect(await new VaultService(repos.vault, h.keyring).reveal(endpoint!.secretId)).toBe(
          hook.body.secret,
        );
        const [delivery] = await repos.webhooks.listDeliveries(endpoint!.id, { limit: 5 });
        expect(delivery).toMatchObject({ eventId, status: 'pending', attemptCount: 0 });
        expect(delivery?.payload).toMatchObject({ id: eventId, data: { name: 'Main', reason: null } });

        // The library's records come back (its files are copied with the media folder or bucket).
        expect(await repos.media.find(owner.workspaceId, media.body.asset.id)).toMatchObject({
          filename: 'logo.png',
          mimeType: 'image/png',
          bytes: media.body.asset.bytes,
          width: 30,
          tags: ['brand', 'blue'],
        });

        // Restoring again would duplicate everything: it is refused, and nothing changes.
        await expect(restore(target.database, file)).rejects.toBeInstanceOf(RestoreError);
        expect(await repos.users.count()).toBe(1);
      } finally {
        await target.drop();
        await h.close();
      }
    });
  },
);
