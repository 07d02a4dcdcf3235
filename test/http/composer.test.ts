import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkShortener } from '../../src/modules/publishing/links.js';
import { GOOD_TOKEN, startMastodonStandIn } from '../../src/networks/mastodon/test-support/stand-in.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/**
 * The composer's API on both databases: network limits and options as data, checking a draft exactly as
 * saving does (counted the way each network counts, problems located per channel and field), hashtag and
 * mention suggestions from the workspace's own posts, and the link shortener hook. Channels are a signed
 * webhook and a Discord-style webhook on a loopback receiver, and a Mastodon account on a loopback stand-in.
 */
type Issue = { field: string; message: string; part?: number; option?: string };
type ChannelCheck = {
  channelId: string;
  channelName: string | null;
  text: { count: number; max: number; unit: string } | null;
  thread: { count: number }[];
  issues: Issue[];
};

describe.each(TEST_TARGETS)('composer on %s', (target) => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let mastodon: Awaited<ReturnType<typeof startMastodonStandIn>>;
  const SECRET = 'composer-test-secret-0001';
  /** Links the test shortener was asked for, per call. */
  const shortened: string[][] = [];
  const shortener: LinkShortener = {
    name: 'Test links',
    shorten(links) {
      shortened.push([...links]);
      return Promise.resolve(new Map(links.map((link, i) => [link, `https://s.example/${i + 1}`])));
    },
  };

  beforeAll(async () => {
    h = await createHarness(target, { env: { EGRESS_ALLOW_PRIVATE: 'true' }, linkShortener: shortener });
    h.secrets.add(SECRET);
    receiver = await startReceiver((req: ReceivedRequest, res: ServerResponse) => {
      if (req.path.startsWith('/discord') && req.method === 'GET')
        return void res.end(JSON.stringify({ name: 'Discord hook' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    mastodon = await startMastodonStandIn();
  });
  afterAll(async () => {
    await receiver.close();
    await mastodon.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  async function setup(label: string) {
    const t = await h.tenant(label);
    const connect = async (network: string, name: string, credential: Record<string, unknown>) => {
      const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network,
        name,
        credential,
      });
      expect(res.status, res.text).toBe(201);
      return res.body.channel.id as string;
    };
    return {
      ...t,
      hook: await connect('webhook', `${label} site`, { url: `${receiver.url}/${label}`, secret: SECRET }),
      discord: await connect('discord', `${label} discord`, {
        url: `${receiver.url}/discord/api/webhooks/123/${label}`,
      }),
      masto: await connect('mastodon', `${label} masto`, { instance: mastodon.url, accessToken: GOOD_TOKEN }),
    };
  }
  type Tenant = Awaited<ReturnType<typeof setup>>;
  let t: Tenant;
  beforeAll(async () => {
    t = await setup('compose');
  });

  const validate = async (tenant: Tenant, body: unknown) => {
    const res = await tenant.http.post(`/api/v1/workspaces/${tenant.workspaceId}/posts/validate`, body);
    expect(res.status, res.text).toBe(200);
    return res.body as {
      ok: boolean;
      channels: ChannelCheck[];
      issues: { field: string; message: string }[];
    };
  };
  const of = (checks: ChannelCheck[], channelId: string) => checks.find((c) => c.channelId === channelId)!;
  const postCount = async (tenant: Tenant) =>
    (await tenant.http.get(`/api/v1/workspaces/${tenant.workspaceId}/posts`)).body.posts.length as number;

  it('lists each network with its limits, its options as form fields and its preview style', async () => {
    const res = await t.http.get('/api/v1/networks');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(
      (res.body.networks as { id: string }[]).map((n) => [n.id, n as Record<string, any>]),
    );
    expect(byId.discord!.limits).toEqual({
      text: { max: 2000, unit: 'characters', linkLength: null, remoteMentionCountsUser: false },
      media: { maxItems: 0, types: [], maxBytes: 0, maxVideoSeconds: null, altTextMax: null },
      threads: false,
      firstComment: false,
    });
    expect(byId.discord!.options).toEqual([]);
    expect(byId.mastodon!.limits.text).toEqual({
      max: 500,
      unit: 'graphemes',
      linkLength: 23,
      remoteMentionCountsUser: true,
    });
    expect(byId.mastodon!.limits.threads).toBe(true);
    expect(byId.mastodon!.options.map((o: { name: string }) => o.name)).toEqual([
      'visibility',
      'spoilerText',
      'language',
    ]);
    expect(byId.mastodon!.options[0].choices.map((c: { value: string }) => c.value)).toEqual([
      'public',
      'unlisted',
      'private',
      'direct',
    ]);
    expect(byId.mastodon!.options[1]).toMatchObject({ kind: 'text', countsTowardText: true });
    expect(byId.bluesky!.limits.text).toMatchObject({ max: 300, unit: 'graphemes' });
    expect(byId.bluesky!.options).toEqual([
      expect.objectContaining({ name: 'langs', kind: 'languages', max: 3 }),
    ]);
    expect(byId.telegram!.options.map((o: { kind: string }) => o.kind)).toEqual(['choice', 'boolean']);
    expect(Object.fromEntries(Object.values(byId).map((n) => [n.id, n.preview]))).toEqual({
      bluesky: 'bluesky',
      mastodon: 'mastodon',
      telegram: 'telegram',
      discord: 'discord',
      slack: 'slack',
      webhook: 'webhook',
    });
  });

  it('checks a draft per channel without saving it, and saving refuses exactly what it found', async () => {
    const draft = {
      body: 'Spring menu is here',
      channels: [{ channelId: t.hook }, { channelId: t.discord, body: 'x'.repeat(2100) }],
      schedule: { local: '2027-04-01T09:30' },
    };
    const report = await validate(t, draft);
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([]);
    expect(of(report.channels, t.hook)).toEqual({
      channelId: t.hook,
      channelName: 'compose site',
      network: 'webhook',
      text: { count: 19, max: 10_000, unit: 'characters' },
      thread: [],
      issues: [],
    });
    const discord = of(report.channels, t.discord);
    expect(discord.text).toEqual({ count: 2100, max: 2000, unit: 'characters' });
    expect(discord.issues).toEqual([
      {
        field: 'text',
        message: 'The text is 2100 characters long; the limit is 2000. Shorten it by 100.',
      },
    ]);
    expect(await postCount(t)).toBe(0);

    const refused = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, draft);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(`compose discord: ${discord.issues[0]!.message}`);
    expect(refused.body.error.details.issues).toEqual([
      { channelId: t.discord, channel: 'compose discord', ...discord.issues[0] },
    ]);
    expect(await postCount(t)).toBe(0);

    const fixed = {
      ...draft,
      channels: [draft.channels[0]!, { channelId: t.discord, body: 'x'.repeat(2000) }],
    };
    const ok = await validate(t, fixed);
    expect(ok.ok).toBe(true);
    expect(of(ok.channels, t.discord).text!.count).toBe(2000);
    const saved = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, fixed);
    expect(saved.status, saved.text).toBe(201);
    expect(saved.body.post.scheduleLocal).toBe('2027-04-01T09:30');
    await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/posts/${saved.body.post.id}`);
  });

  it("counts each channel the way its network does: Mastodon's links and remote mentions, graphemes, code points", async () => {
    const family = '👨‍👩‍👧'; // one grapheme, five code points
    const text = `Menu ${family} https://example.com/${'a'.repeat(200)} by @chef@kitchen.example`;
    const report = await validate(t, {
      body: text,
      channels: [{ channelId: t.masto }, { channelId: t.discord }],
    });
    expect(report.ok).toBe(true);
    // "Menu " 5 + 1 + " " 1 + link 23 + " by " 4 + "@chef" 5
    expect(of(report.channels, t.masto).text).toEqual({ count: 39, max: 500, unit: 'graphemes' });
    expect(of(report.channels, t.discord).text!.count).toBe([...text].length);
    expect([...text].length).toBe(5 + 5 + 1 + 19 + 200 + 4 + 22);
  });

  it('locates thread parts, options and content warnings, and refuses what a network does not take', async () => {
    const report = await validate(t, {
      body: 'Short opener',
      channels: [
        {
          channelId: t.masto,
          thread: ['second part', 'y'.repeat(480)],
          options: { visibility: 'friends', spoilerText: 'z'.repeat(30), language: 'en' },
        },
        { channelId: t.discord, thread: ['not here'], options: { colour: 'red' } },
      ],
    });
    expect(report.ok).toBe(false);
    const masto = of(report.channels, t.masto);
    expect(masto.thread).toEqual([{ count: 11 }, { count: 480 }]);
    expect(masto.issues).toEqual([expect.objectContaining({ field: 'options', option: 'visibility' })]);
    const withWarning = await validate(t, {
      body: 'Short opener',
      channels: [
        {
          channelId: t.masto,
          thread: ['second part', 'y'.repeat(480)],
          options: { spoilerText: 'z'.repeat(30) },
        },
      ],
    });
    expect(of(withWarning.channels, t.masto).issues).toEqual([
      {
        field: 'thread',
        part: 1,
        message: 'Part 3 with its content warning is 510 graphemes long; the limit is 500.',
      },
    ]);
    const discord = of(report.channels, t.discord);
    expect(discord.issues).toEqual([
      {
        field: 'thread',
        message: 'This network does not support threads: publish one post, or split it into separate posts.',
      },
      {
        field: 'options',
        option: 'colour',
        message: 'Discord (webhook) takes no options; remove "colour".',
      },
    ]);
  });

  it('checks an idea as saving does: limits are reported but do not stop it, and it takes no time', async () => {
    const idea = {
      kind: 'idea',
      body: 'x'.repeat(2100),
      channels: [{ channelId: t.discord }],
    };
    const report = await validate(t, idea);
    expect(report.ok).toBe(true);
    expect(of(report.channels, t.discord).issues.map((i) => i.field)).toEqual(['text']);
    const saved = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, idea);
    expect(saved.status, saved.text).toBe(201);
    const timed = await validate(t, { ...idea, schedule: { at: 'now' } });
    expect(timed.ok).toBe(false);
    expect(timed.issues).toEqual([
      { field: 'schedule', message: expect.stringMatching(/^An idea has no time/) },
    ]);
    const refused = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      ...idea,
      schedule: { at: 'now' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(timed.issues[0]!.message);
    await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/posts/${saved.body.post.id}`);
  });

  it('reports channels that cannot be used and a schedule that is not a time, as the whole post', async () => {
    const other = await h.tenant('composer-other');
    const foreign = await other.http.post(`/api/v1/workspaces/${other.workspaceId}/channels`, {
      network: 'webhook',
      name: 'Theirs',
      credential: { url: `${receiver.url}/theirs`, secret: SECRET },
    });
    const report = await validate(t, {
      body: 'Hello',
      channels: [{ channelId: t.hook }, { channelId: foreign.body.channel.id }],
      schedule: { local: '2027-02-30T10:00' },
    });
    expect(report.ok).toBe(false);
    expect(of(report.channels, foreign.body.channel.id)).toMatchObject({
      channelName: null,
      text: null,
      issues: [
        {
          field: 'channel',
          message: `Channel ${foreign.body.channel.id} is not a channel of this workspace.`,
        },
      ],
    });
    expect(of(report.channels, t.hook).issues).toEqual([]);
    expect(report.issues).toEqual([{ field: 'schedule', message: expect.stringMatching(/^schedule: /) }]);
    // Another workspace's member cannot ask about this workspace at all.
    const res = await other.http.post(`/api/v1/workspaces/${t.workspaceId}/posts/validate`, {
      body: 'x',
      channels: [{ channelId: t.hook }],
    });
    expect(res.status).toBe(404);
  });

  it('reports media that is not in the library at the channel, and saving refuses it alike', async () => {
    const missing = '01890000-0000-7000-8000-000000000000';
    const draft = {
      body: 'With a picture',
      channels: [{ channelId: t.masto, media: [{ assetId: missing }] }],
    };
    const report = await validate(t, draft);
    expect(report.ok).toBe(false);
    expect(of(report.channels, t.masto).issues).toEqual([
      {
        field: 'media',
        message: expect.stringContaining(`Media 1 (${missing}) is not in this workspace's media library`),
      },
    ]);
    const refused = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, draft);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(of(report.channels, t.masto).issues[0]!.message);
  });

  it("suggests the workspace's own hashtags and mentions, most used first", async () => {
    const s = await setup('tags');
    const post = async (body: string, own?: string) => {
      const res = await s.http.post(`/api/v1/workspaces/${s.workspaceId}/posts`, {
        body,
        channels: [{ channelId: s.hook, ...(own ? { body: own } : {}) }, { channelId: s.masto }],
      });
      expect(res.status, res.text).toBe(201);
    };
    await post('#SpringMenu is here with @ana.bsky.social', '#spring #springmenu, ask ana@example.com');
    await post('Tasting #Spring #sauce @chef@kitchen.example');
    await post('Back to #spring; see https://example.com/#springs and &#35;nope');
    const tags = await s.http.get(`/api/v1/workspaces/${s.workspaceId}/posts/hashtags?prefix=%23spr`);
    expect(tags.status).toBe(200);
    expect(tags.body.hashtags).toEqual([
      { value: '#spring', uses: 3 },
      { value: '#SpringMenu', uses: 2 },
    ]);
    const all = await s.http.get(`/api/v1/workspaces/${s.workspaceId}/posts/hashtags?limit=1`);
    expect(all.body.hashtags).toEqual([{ value: '#spring', uses: 3 }]);
    const mentions = await s.http.get(`/api/v1/workspaces/${s.workspaceId}/posts/mentions?prefix=`);
    expect(mentions.body.mentions.map((m: { value: string }) => m.value).sort()).toEqual([
      '@ana.bsky.social',
      '@chef@kitchen.example',
    ]);
    const chef = await s.http.get(`/api/v1/workspaces/${s.workspaceId}/posts/mentions?prefix=ch`);
    expect(chef.body.mentions).toEqual([{ value: '@chef@kitchen.example', uses: 1 }]);
    // Another workspace's posts are not suggested here.
    const mine = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/hashtags?prefix=spr`);
    expect(mine.body.hashtags).toEqual([]);
  });

  it('replaces links through the configured link shortener when asked to, before checking limits', async () => {
    const composer = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/composer`);
    expect(composer.body).toEqual({ linkShortener: { configured: true, name: 'Test links' } });
    const long = `https://example.com/${'a'.repeat(2000)}`;
    const plain = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Read https://example.com/menu.',
      channels: [{ channelId: t.hook }],
    });
    expect(plain.body.post.body).toBe('Read https://example.com/menu.');
    expect(shortened).toEqual([]);
    // Too long for Discord as written; fits once shortened.
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Read https://example.com/menu.',
      channels: [
        { channelId: t.hook },
        { channelId: t.discord, body: `Menu: ${long} and https://example.com/menu` },
      ],
      shortenLinks: true,
    });
    expect(res.status, res.text).toBe(201);
    expect(shortened).toEqual([['https://example.com/menu', long]]);
    expect(res.body.post.body).toBe('Read https://s.example/1.');
    expect(res.body.post.channels.find((c: { channelId: string }) => c.channelId === t.discord).body).toBe(
      'Menu: https://s.example/2 and https://s.example/1',
    );
  });
});
