import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPayload } from '../../src/core/signature.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver } from '../support/receiver.js';

describe.each(TEST_TARGETS)('channels on %s', (target) => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let acceptedSecret = 'first-signing-secret-0001';
  const received: string[] = [];

  beforeAll(async () => {
    h = await createHarness(target, { env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    receiver = await startReceiver((req, res) => {
      const ok = verifyPayload({
        secret: acceptedSecret,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string,
        timestamp: req.headers['x-chorus-timestamp'] as string,
        now: new Date(),
      });
      res.writeHead(ok ? 200 : 401);
      if (ok) received.push(req.body);
      res.end();
    });
    h.secrets.add('first-signing-secret-0001');
    h.secrets.add('second-signing-secret-002');
  });
  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  const credential = (secret: string) => ({ url: `${receiver.url}/chorus`, secret });

  it('lists the networks with the fields their credentials need', async () => {
    const t = await h.tenant('networks');
    const res = await t.http.get('/api/v1/networks');
    expect(res.status).toBe(200);
    const webhook = res.body.networks.find((n: { id: string }) => n.id === 'webhook');
    expect(webhook.auth.fields.map((f: { name: string }) => f.name)).toEqual(['url', 'secret', 'template']);
    expect(res.body.networks.map((n: { id: string }) => n.id)).toEqual(
      expect.arrayContaining(['discord', 'slack']),
    );
  });

  it('connects after checking the credential with the network, stores it encrypted, and never returns it', async () => {
    const t = await h.tenant('connect');
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      name: 'Website hook',
      credential: credential('first-signing-secret-0001'),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.channel).toMatchObject({
      network: 'webhook',
      name: 'Website hook',
      status: 'connected',
      account: receiver.host,
    });
    expect(res.text).not.toContain(receiver.url);
    const rows = await h.database.db.selectFrom('vault_secrets').select(['ciphertext', 'purpose']).execute();
    expect(rows.some((r) => r.purpose === 'channel.credential')).toBe(true);
    for (const r of rows) expect(r.ciphertext).not.toContain('first-signing-secret');

    // The stored credential works: the adapter built from the vault publishes to the receiver.
    const access = (await h.services.workspaces.accessOf(t.user.id, t.workspaceId))!;
    const channel = await h.services.channels.get(access, res.body.channel.id);
    const adapter = await h.services.channels.adapterFor(channel);
    await adapter.publisher!.publish({ idempotencyKey: 'x1', text: 'from the vault' });
    expect(received.at(-1)).toContain('from the vault');
  });

  it('refuses bad credentials with what to fix, storing nothing', async () => {
    const t = await h.tenant('badcred');
    const before = (await h.database.db.selectFrom('vault_secrets').select('id').execute()).length;
    const short = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      credential: { url: `${receiver.url}/chorus`, secret: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].path).toBe('credential.secret');
    const wrong = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      credential: credential('not-the-receivers-secret-1'),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/could not connect.*reconnect/i);
    const unknown = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'myspace',
      credential: {},
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('webhook');
    expect((await h.database.db.selectFrom('vault_secrets').select('id').execute()).length).toBe(before);
  });

  it('marks a channel that stopped working as needing reconnection, and reconnects it', async () => {
    const t = await h.tenant('health');
    const created = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      credential: credential('first-signing-secret-0001'),
    });
    const id = created.body.channel.id;
    acceptedSecret = 'second-signing-secret-002';
    try {
      const tested = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${id}/test`);
      expect(tested.status).toBe(200);
      expect(tested.body.channel.status).toBe('needs_reconnect');
      expect(tested.body.channel.lastError).toMatch(/reconnect/i);
      const oldSecretId = (
        await h.database.db
          .selectFrom('channels')
          .select('credential_secret_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).credential_secret_id;
      const again = await t.http.put(`/api/v1/workspaces/${t.workspaceId}/channels/${id}/credential`, {
        credential: credential('second-signing-secret-002'),
      });
      expect(again.status, again.text).toBe(200);
      expect(again.body.channel).toMatchObject({ status: 'connected', lastError: null });
      expect(
        await h.database.db
          .selectFrom('vault_secrets')
          .select('id')
          .where('id', '=', oldSecretId!)
          .executeTakeFirst(),
      ).toBeUndefined();
    } finally {
      acceptedSecret = 'first-signing-secret-0001';
    }
  });

  it('disconnects: the credential is deleted, the channel stays as history', async () => {
    const t = await h.tenant('disconnect');
    const created = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      credential: credential('first-signing-secret-0001'),
    });
    const id = created.body.channel.id;
    expect((await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/channels/${id}`)).status).toBe(204);
    const list = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`);
    expect(list.body.channels).toMatchObject([{ id, status: 'disconnected' }]);
    expect((await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${id}/test`)).status).toBe(409);
    const audit = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['channel.connected', 'channel.disconnected']),
    );
  });

  it('lets editors see channels but not connect them', async () => {
    const t = await h.tenant('roles');
    const editor = await h.member(t.workspaceId, 'editor');
    expect((await editor.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`)).status).toBe(200);
    const res = await editor.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      credential: credential('first-signing-secret-0001'),
    });
    expect(res.status).toBe(403);
  });
});

describe('channels without private egress', () => {
  it('refuses a loopback webhook URL unless the administrator allows private addresses', async () => {
    const h = await createHarness('pglite');
    const receiver = await startReceiver((_req, res) => res.end());
    try {
      const t = await h.tenant('ssrf');
      const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network: 'webhook',
        credential: { url: `${receiver.url}/x`, secret: 'ssrf-test-secret-0000001' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/private or reserved address/);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
      await h.close();
    }
  });
});
