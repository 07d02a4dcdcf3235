import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueskyNetwork, type LocalAccount } from '../support/bluesky-network.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { createHarness, type Harness } from '../support/harness.js';
import { createLogger } from '../../src/core/logger.js';
import { JobEngine } from '../../src/jobs/engine.js';
import { image } from '../support/media-files.js';

/** A Bluesky channel connected through the API, publishing to a real local network with one login. */
describe('a Bluesky channel on a real local network', () => {
  let net: Awaited<ReturnType<typeof startBlueskyNetwork>>;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let carol: LocalAccount;
  let h: Harness;

  beforeAll(async () => {
    net = await startBlueskyNetwork({ rateLimits: true });
    carol = await net.account('carol');
    proxy = await startFaultProxy(net.pdsUrl);
    h = await createHarness('pglite', { env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    h.secrets.add(carol.appPassword);
  }, 120_000);
  afterAll(async () => {
    // Each step is bounded and named, so a teardown that hangs says which part did.
    const step = async (name: string, fn: () => Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        fn(),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error(`teardown step "${name}" hung`)), 25_000)),
        ),
      ]).finally(() => clearTimeout(timer));
    };
    await step('leak check', async () => h?.assertNothingLeaked());
    await step('database', async () => h?.close());
    await step('proxy', async () => proxy?.close());
    await step('network', async () => net?.close());
  }, 120_000);

  it('connects with an app password, keeps the session encrypted, and publishes without logging in again', async () => {
    const t = await h.tenant('bsky');
    const logins = () => proxy.paths.filter((p) => p.endsWith('com.atproto.server.createSession')).length;
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'bluesky',
      credential: { service: proxy.url, identifier: `@${carol.handle}`, appPassword: carol.appPassword },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.channel).toMatchObject({
      network: 'bluesky',
      account: `@${carol.handle}`,
      name: `@${carol.handle}`,
      status: 'connected',
    });
    expect(logins()).toBe(1);
    const purposes = (
      await h.database.db.selectFrom('vault_secrets').select(['purpose', 'ciphertext']).execute()
    ).map((r) => r.purpose);
    expect(purposes).toEqual(expect.arrayContaining(['channel.credential', 'channel.session']));

    const access = (await h.services.workspaces.accessOf(t.user.id, t.workspaceId))!;
    const channel = await h.services.channels.get(access, res.body.channel.id);
    for (const n of [1, 2]) {
      const adapter = await h.services.channels.adapterFor(await h.services.channels.get(access, channel.id));
      const posted = await adapter.publisher!.publish({
        idempotencyKey: `api-${n}-${Date.now()}`,
        text: `From Chorus ${n}`,
      });
      expect(posted.url).toContain(`/profile/${carol.handle}/post/`);
    }
    expect(logins()).toBe(1);
    expect((await net.listPosts(carol.did)).map((r) => r.value.text)).toEqual(
      expect.arrayContaining(['From Chorus 1', 'From Chorus 2']),
    );

    const tested = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${channel.id}/test`);
    expect(tested.body.channel.status).toBe('connected');
    expect(logins()).toBe(1);
    // The PDS (rate limits on, as on bsky.social) reported its budget on the writes; the channel shows it.
    const quota = tested.body.channel.quota;
    expect(quota).toMatchObject({ scope: expect.stringMatching(/^points per /) });
    expect(quota.remaining).toBeLessThan(quota.limit);
    expect(Date.parse(quota.resetAt)).toBeGreaterThan(Date.now());
  });

  it('settles a publish whose answer was lost by finding the post under its key: one post, never two', async () => {
    const t = await h.tenant('bsky-settle');
    const connected = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'bluesky',
      credential: { service: proxy.url, identifier: `@${carol.handle}`, appPassword: carol.appPassword },
    });
    expect(connected.status, connected.text).toBe(201);
    const created = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Answer lost on the way back',
      channels: [{ channelId: connected.body.channel.id }],
      schedule: { at: 'now' },
    });
    expect(created.status, created.text).toBe(201);
    const deliveryId = created.body.post.deliveries[0].id as string;
    // The PDS writes the record, but its answer is cut, and the adapter's own read-back fails too.
    proxy.failOn('com.atproto.repo.createRecord', 'drop');
    proxy.failOn('com.atproto.repo.getRecord', 'server_error', { after: 1 });
    expect(await h.services.deliveryEngine.run(deliveryId)).toBe('unconfirmed');
    expect(await h.services.deliverySettlement.settle(deliveryId)).toBe('published');
    const post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${created.body.post.id}`)).body
      .post;
    expect(post.deliveries[0]).toMatchObject({ state: 'published', url: expect.stringContaining('/post/') });
    expect(post.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'unconfirmed',
      'reconciled_published',
    ]);
    const texts = (await net.listPosts(carol.did)).map((r) => r.value.text);
    expect(texts.filter((x) => x === 'Answer lost on the way back')).toHaveLength(1);
  });

  it('sends a media library image with its alt text: the network stores exactly the uploaded bytes', async () => {
    const t = await h.tenant('bsky-media');
    const connected = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'bluesky',
      credential: { service: proxy.url, identifier: `@${carol.handle}`, appPassword: carol.appPassword },
    });
    expect(connected.status, connected.text).toBe(201);
    const bytes = await image('jpeg', 120, 80);
    const uploaded = await t.http.raw(
      'POST',
      `/api/v1/workspaces/${t.workspaceId}/media?filename=harbour.jpg&alt=${encodeURIComponent('Boats in the harbour')}`,
      { body: bytes },
    );
    expect(uploaded.status, uploaded.text).toBe(201);
    const created = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'From the library',
      channels: [{ channelId: connected.body.channel.id, media: [{ assetId: uploaded.body.asset.id }] }],
      schedule: { at: 'now' },
    });
    expect(created.status, created.text).toBe(201);
    expect(await h.services.deliveryEngine.run(created.body.post.deliveries[0].id)).toBe('published');
    const record = (await net.listPosts(carol.did)).find((r) => r.value.text === 'From the library')!;
    const embedded = record.value.embed.images[0];
    expect(embedded.alt).toBe('Boats in the harbour');
    expect(embedded.image.mimeType).toBe('image/jpeg');
    const cid = embedded.image.ref.$link ?? String(embedded.image.ref);
    const blob = await fetch(
      `${net.pdsUrl}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(carol.did)}&cid=${cid}`,
    );
    expect(blob.status).toBe(200);
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('publishes a scheduled post through the real job engine on time', async () => {
    const engine = new JobEngine(h.database, h.services.jobHandlers, createLogger('silent'), {
      work: true,
      maintain: false,
      pollSeconds: 0.5,
    });
    await engine.start();
    await h.services.jobs.attach(engine);
    try {
      const t = await h.tenant('bsky-engine');
      const connected = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network: 'bluesky',
        credential: { service: proxy.url, identifier: `@${carol.handle}`, appPassword: carol.appPassword },
      });
      const due = new Date(Date.now() + 2000);
      const created = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
        body: 'Right on time #chorus',
        channels: [{ channelId: connected.body.channel.id }],
        schedule: { at: due.toISOString() },
      });
      expect(created.status, created.text).toBe(201);
      const get = async () =>
        (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${created.body.post.id}`)).body.post;
      const deadline = Date.now() + 20_000;
      while ((await get()).status !== 'published' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const post = await get();
      expect(post.status).toBe('published');
      // Never early; late only by the engine's polling and the network's answer.
      expect(Date.parse(post.deliveries[0].publishedAt)).toBeGreaterThanOrEqual(due.getTime());
      console.log(`publish lateness on the local network: ${post.deliveries[0].latenessMs} ms`);
      expect((await net.listPosts(carol.did)).map((r) => r.value.text)).toContain('Right on time #chorus');
    } finally {
      await engine.stop();
    }
  });
});
