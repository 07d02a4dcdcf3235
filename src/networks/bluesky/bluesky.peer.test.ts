import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { createLogger } from '../../core/logger.js';
import { safeFetch } from '../../egress/safe-fetch.js';
import { startBlueskyNetwork, type LocalAccount } from '../../../test/support/bluesky-network.js';
import { startFaultProxy } from '../../../test/support/fault-proxy.js';
import { defineNetworkContract } from '../contract-suite.js';
import type { AdapterDeps, SessionStore } from '../contract.js';
import { NetworkError } from '../errors.js';
import { createAdapter } from '../registry.js';
import { detectFacets } from './facets.js';
import { TID_RE, tidFor } from './tid.js';

/** Everything here runs against a real local Bluesky network (PDS, PLC and AppView from @atproto/dev-env). */
let shared:
  | Promise<{
      net: Awaited<ReturnType<typeof startBlueskyNetwork>>;
      alice: LocalAccount;
      bob: LocalAccount;
      proxy: Awaited<ReturnType<typeof startFaultProxy>>;
    }>
  | undefined;
function network() {
  shared ??= (async () => {
    const net = await startBlueskyNetwork();
    const alice = await net.account('alice');
    const bob = await net.account('bob');
    const proxy = await startFaultProxy(net.pdsUrl);
    return { net, alice, bob, proxy };
  })();
  return shared;
}
afterAll(async () => {
  if (!shared) return;
  const { net, proxy } = await shared;
  await proxy.close();
  await net.close();
});

defineNetworkContract('bluesky', async () => {
  const { net, alice, proxy } = await network();
  return {
    allow: [proxy.host],
    credential: { service: proxy.url, identifier: alice.handle, appPassword: alice.appPassword },
    revokedCredential: { service: proxy.url, identifier: alice.handle, appPassword: 'aaaa-bbbb-cccc-dddd' },
    received: async () => (await net.listPosts(alice.did)).map((r) => r.value.text as string),
    failNext: proxy.failNext,
    secrets: [alice.appPassword, alice.password],
    timeoutMs: 8000,
    close: async () => undefined,
  };
});

describe('bluesky on a real local network', () => {
  let env: Awaited<ReturnType<typeof network>>;
  const clock = new ManualClock(new Date());
  const deps = (sessions?: SessionStore): AdapterDeps => ({
    http: (url, request) => safeFetch(url, request, { allowPrivate: false, allowList: [env.proxy.host] }),
    clock,
    logger: createLogger('silent'),
    ...(sessions ? { sessions } : {}),
  });
  const memoryStore = () => {
    let value: string | undefined;
    return { load: async () => value, save: async (v: string) => void (value = v), peek: () => value };
  };
  const adapterFor = (account: LocalAccount, sessions?: SessionStore) =>
    createAdapter(
      'bluesky',
      { service: env.proxy.url, identifier: account.handle, appPassword: account.appPassword },
      deps(sessions),
    );

  beforeAll(async () => {
    env = await network();
  }, 120_000);

  it('publishes rich text with resolved mentions, links and hashtags at the right byte offsets', async () => {
    const a = adapterFor(env.alice);
    const text = `Grüße @${env.bob.handle} — read https://example.com/launch?x=1 today #Launch2026 ✨`;
    const result = await a.publisher!.publish({ idempotencyKey: `rich-${Date.now()}`, text });
    expect(result.url).toMatch(new RegExp(`^https://bsky.app/profile/${env.alice.handle}/post/`));
    const record = (await env.net.listPosts(env.alice.did)).find((r) => r.uri === result.remoteId)!.value;
    const bytes = Buffer.from(text, 'utf8');
    const slice = (f: { index: { byteStart: number; byteEnd: number } }) =>
      bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8');
    const byType = (t: string) => record.facets.find((f: any) => f.features[0].$type === t);
    expect(slice(byType('app.bsky.richtext.facet#mention'))).toBe(`@${env.bob.handle}`);
    expect(byType('app.bsky.richtext.facet#mention').features[0].did).toBe(env.bob.did);
    expect(slice(byType('app.bsky.richtext.facet#link'))).toBe('https://example.com/launch?x=1');
    expect(byType('app.bsky.richtext.facet#tag').features[0].tag).toBe('Launch2026');
  });

  it('never creates a second post for one delivery: the record key comes from the delivery', async () => {
    const a = adapterFor(env.alice);
    const key = `delivery-${Date.now()}`;
    const first = await a.publisher!.publish({ idempotencyKey: key, text: 'Exactly once' });
    const again = await a.publisher!.publish({ idempotencyKey: key, text: 'Exactly once' });
    expect(again.remoteId).toBe(first.remoteId);
    expect(first.remoteId!.endsWith(`/${tidFor(key)}`)).toBe(true);
    const copies = (await env.net.listPosts(env.alice.did)).filter((r) => r.value.text === 'Exactly once');
    expect(copies).toHaveLength(1);
  });

  it('publishes a thread as a reply chain and images with alt text', async () => {
    const a = adapterFor(env.alice);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const result = await a.publisher!.publish({
      idempotencyKey: `thread-${Date.now()}`,
      text: 'Thread start 1/3',
      thread: ['Middle 2/3', 'End 3/3'],
      media: [{ mimeType: 'image/png', bytes: png, altText: 'A single pixel' }],
    });
    const records = await env.net.listPosts(env.alice.did);
    const start = records.find((r) => r.uri === result.remoteId)!.value;
    expect(start.embed.images[0].alt).toBe('A single pixel');
    const middle = records.find((r) => r.value.text === 'Middle 2/3')!;
    const end = records.find((r) => r.value.text === 'End 3/3')!.value;
    expect(middle.value.reply.root.uri).toBe(result.remoteId);
    expect(middle.value.reply.parent.uri).toBe(result.remoteId);
    expect(end.reply.root.uri).toBe(result.remoteId);
    expect(end.reply.parent.uri).toBe(middle.uri);
  });

  it('logs in once, reuses the session, and refreshes an expired access token without logging in again', async () => {
    const store = memoryStore();
    const before = env.proxy.paths.filter((p) => p.endsWith('createSession')).length;
    await adapterFor(env.alice, store).publisher!.publish({
      idempotencyKey: `s1-${Date.now()}`,
      text: 'session one',
    });
    await adapterFor(env.alice, store).publisher!.publish({
      idempotencyKey: `s2-${Date.now()}`,
      text: 'session two',
    });
    expect(env.proxy.paths.filter((p) => p.endsWith('createSession')).length - before).toBe(1);
    const session = JSON.parse(store.peek()!);
    await store.save(JSON.stringify({ ...session, accessJwt: 'expired.or.invalid.token' }));
    const refreshesBefore = env.proxy.paths.filter((p) => p.endsWith('refreshSession')).length;
    await adapterFor(env.alice, store).publisher!.publish({
      idempotencyKey: `s3-${Date.now()}`,
      text: 'session three',
    });
    expect(env.proxy.paths.filter((p) => p.endsWith('refreshSession')).length - refreshesBefore).toBe(1);
    expect(env.proxy.paths.filter((p) => p.endsWith('createSession')).length - before).toBe(1);
  });

  it('reads metrics and profile numbers from the AppView', async () => {
    const a = adapterFor(env.alice);
    const post = await a.publisher!.publish({ idempotencyKey: `m-${Date.now()}`, text: 'Like me' });
    const rec = await env.net.xrpc(
      'GET',
      `com.atproto.repo.getRecord?repo=${env.alice.did}&collection=app.bsky.feed.post&rkey=${post.remoteId!.split('/').pop()}`,
    );
    await env.net.xrpc(
      'POST',
      'com.atproto.repo.createRecord',
      {
        repo: env.bob.did,
        collection: 'app.bsky.feed.like',
        record: {
          $type: 'app.bsky.feed.like',
          subject: { uri: post.remoteId, cid: rec.cid },
          createdAt: new Date().toISOString(),
        },
      },
      env.bob.accessJwt,
    );
    await env.net.xrpc(
      'POST',
      'com.atproto.repo.createRecord',
      {
        repo: env.bob.did,
        collection: 'app.bsky.graph.follow',
        record: {
          $type: 'app.bsky.graph.follow',
          subject: env.alice.did,
          createdAt: new Date().toISOString(),
        },
      },
      env.bob.accessJwt,
    );
    await env.net.processAll();
    const metrics = await a.metrics!.posts([post.remoteId!]);
    expect(metrics[post.remoteId!]).toEqual({ likes: 1, reposts: 0, replies: 0, quotes: 0 });
    const profile = await a.profile!.get(env.alice.handle);
    expect(profile).toMatchObject({ id: env.alice.did, handle: env.alice.handle, followers: 1 });
    expect(profile.posts).toBeGreaterThan(0);
  });

  it('reads replies, mentions and quotes since a cursor, once each, and answers in the thread', async () => {
    const a = adapterFor(env.alice);
    const original = await a.publisher!.publish({
      idempotencyKey: `inbox-${Date.now()}`,
      text: 'Ask me anything',
    });
    const rec = await env.net.xrpc(
      'GET',
      `com.atproto.repo.getRecord?repo=${env.alice.did}&collection=app.bsky.feed.post&rkey=${original.remoteId!.split('/').pop()}`,
    );
    const ref = { uri: original.remoteId!, cid: rec.cid as string };
    // A reply indexed before its parent produces no notification: let the AppView see the post first.
    await env.net.processAll();
    const bobPost = (record: object) =>
      env.net.xrpc(
        'POST',
        'com.atproto.repo.createRecord',
        {
          repo: env.bob.did,
          collection: 'app.bsky.feed.post',
          record: { $type: 'app.bsky.feed.post', createdAt: new Date().toISOString(), ...record },
        },
        env.bob.accessJwt,
      );
    const reply = await bobPost({ text: 'When do you open?', reply: { root: ref, parent: ref } });
    await env.net.processAll();
    const first = await a.inbox!.fetchSince(null);
    const item = first.items.find((i) => i.remoteId === reply.uri)!;
    expect(item).toMatchObject({
      kind: 'reply',
      text: 'When do you open?',
      parentRemoteId: original.remoteId,
      author: { handle: env.bob.handle },
    });

    expect((await a.inbox!.fetchSince(first.cursor)).items).toEqual([]);
    const mentionText = `@${env.alice.handle} your croissants!`;
    await bobPost({
      text: mentionText,
      facets: [
        {
          index: { byteStart: 0, byteEnd: env.alice.handle.length + 1 },
          features: [{ $type: 'app.bsky.richtext.facet#mention', did: env.alice.did }],
        },
      ],
    });
    await bobPost({ text: 'Look at this', embed: { $type: 'app.bsky.embed.record', record: ref } });
    await env.net.processAll();
    const next = await a.inbox!.fetchSince(first.cursor);
    expect(next.items.map((i) => [i.kind, i.text])).toEqual([
      ['mention', mentionText],
      ['quote', 'Look at this'],
    ]);

    const answer = await a.inbox!.reply(item, 'We open at 7:00!', `answer-${Date.now()}`);
    const answered = (await env.net.listPosts(env.alice.did)).find((r) => r.uri === answer.remoteId)!.value;
    expect(answered.reply.parent.uri).toBe(reply.uri);
    expect(answered.reply.root.uri).toBe(original.remoteId);
    await expect(a.inbox!.reply(item, 'x'.repeat(301), 'too-long')).rejects.toMatchObject({
      kind: 'invalid_content',
    });
  });

  it('finds public posts by search terms', async () => {
    const word = `chorusprobe${Date.now().toString(36)}`;
    await env.net.xrpc(
      'POST',
      'com.atproto.repo.createRecord',
      {
        repo: env.bob.did,
        collection: 'app.bsky.feed.post',
        record: {
          $type: 'app.bsky.feed.post',
          text: `Loving the ${word} pastries`,
          createdAt: new Date().toISOString(),
        },
      },
      env.bob.accessJwt,
    );
    await env.net.processAll();
    const a = adapterFor(env.alice);
    const found = await a.search!.posts(word);
    expect(found.hits).toHaveLength(1);
    expect(found.hits[0]).toMatchObject({
      text: `Loving the ${word} pastries`,
      author: { handle: env.bob.handle },
    });
    expect((await a.search!.posts(`${word}nothing`)).hits).toEqual([]);
  });

  it('publishes a link card', async () => {
    const a = adapterFor(env.alice);
    const post = await a.publisher!.publish({
      idempotencyKey: `card-${Date.now()}`,
      text: 'Our new menu',
      options: { linkCard: { uri: 'https://example.com/menu', title: 'Menu', description: 'Autumn menu' } },
    });
    const record = (await env.net.listPosts(env.alice.did)).find((r) => r.uri === post.remoteId)!.value;
    expect(record.embed).toEqual({
      $type: 'app.bsky.embed.external',
      external: { uri: 'https://example.com/menu', title: 'Menu', description: 'Autumn menu' },
    });
  });

  it('says which account needs reconnecting and how', async () => {
    const bad = createAdapter(
      'bluesky',
      { service: env.proxy.url, identifier: env.bob.handle, appPassword: 'wrong-wrong-wrong' },
      deps(),
    );
    const err = (await bad.checkHealth().catch((e: unknown) => e)) as NetworkError;
    expect(err.kind).toBe('reconnect_required');
    expect(err.message).toContain(`@${env.bob.handle}`);
    expect(err.message).toMatch(/App passwords/);
  });
});

describe('bluesky helpers', () => {
  it('derives a valid, stable TID per delivery', () => {
    expect(tidFor('a')).toBe(tidFor('a'));
    expect(tidFor('a')).not.toBe(tidFor('b'));
    for (let i = 0; i < 200; i++) expect(tidFor(`k${i}`)).toMatch(TID_RE);
  });

  it('does not take numbers for hashtags or sentence ends for links', () => {
    const { facets } = detectFacets('Order #1 now at https://shop.example/a). #Sale!');
    const kinds = facets.map((f) => f.features[0]!);
    expect(kinds).toEqual([
      { $type: 'app.bsky.richtext.facet#link', uri: 'https://shop.example/a' },
      { $type: 'app.bsky.richtext.facet#tag', tag: 'Sale' },
    ]);
  });
});
