import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  startMastodonStandIn,
  type MastodonStandIn,
} from '../../src/networks/mastodon/test-support/stand-in.js';

/**
 * Connecting a channel by signing in, end to end through the API: Chorus registers itself with a Mastodon
 * server (the loopback stand-in answering as Mastodon's OAuth API documents), the person is sent to the
 * server's consent page, comes back to /oauth/callback, and the web page hands the answer to the API.
 */
describe.each(TEST_TARGETS)('signing in to connect a channel on %s', (target) => {
  let h: Harness;
  let server: MastodonStandIn;

  beforeAll(async () => {
    h = await createHarness(target, { env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    server = await startMastodonStandIn();
  });
  afterAll(async () => {
    for (const token of server.oauth.tokens) h.secrets.add(token);
    for (const app of server.oauth.apps.values()) h.secrets.add(app.secret);
    await server.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  /** What the person's browser does at the server: the stand-in plays the person pressing Authorize. */
  async function consent(authorizeUrl: string): Promise<URL> {
    const res = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  const answerOf = (back: URL) => ({
    state: back.searchParams.get('state')!,
    ...(back.searchParams.get('code') ? { code: back.searchParams.get('code')! } : {}),
    ...(back.searchParams.get('error') ? { error: back.searchParams.get('error')! } : {}),
  });

  async function start(t: Awaited<ReturnType<Harness['tenant']>>, extra: Record<string, unknown> = {}) {
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/oauth`, {
      network: 'mastodon',
      fields: { instance: server.url },
      ...extra,
    });
    expect(res.status, res.text).toBe(201);
    return res.body as { authorizeUrl: string; expiresAt: string };
  }

  it('offers signing in for Mastodon, with the fields asked first', async () => {
    const t = await h.tenant('networks');
    const res = await t.http.get('/api/v1/networks');
    const byId = Object.fromEntries(res.body.networks.map((n: { id: string }) => [n.id, n]));
    expect(byId.mastodon.oauth.fields.map((f: { name: string }) => f.name)).toEqual(['instance']);
    expect(byId.bluesky.oauth).toBeNull();
  });

  it('registers Chorus once per server, sends the person with PKCE, and connects the account', async () => {
    const t = await h.tenant('signin');
    const appsBefore = server.seen('POST /api/v1/apps').length;
    const { authorizeUrl } = await start(t, { name: 'Acme on Mastodon' });
    const url = new URL(authorizeUrl);
    expect(url.origin + url.pathname).toBe(`${server.url}/oauth/authorize`);
    expect(url.searchParams.get('redirect_uri')).toBe('http://chorus.test/oauth/callback');
    expect(url.searchParams.get('scope')).toBe('read write');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const registration = server.seen('POST /api/v1/apps').slice(appsBefore);
    expect(registration).toHaveLength(1);
    expect(JSON.parse(registration[0]!.body.toString('utf8'))).toEqual({
      client_name: 'Chorus',
      redirect_uris: 'http://chorus.test/oauth/callback',
      scopes: 'read write',
    });

    const back = await consent(authorizeUrl);
    expect(back.origin + back.pathname).toBe('http://chorus.test/oauth/callback');
    const done = await t.http.post('/api/v1/oauth/complete', answerOf(back));
    expect(done.status, done.text).toBe(201);
    expect(done.body.workspaceId).toBe(t.workspaceId);
    expect(done.body.channel).toMatchObject({
      network: 'mastodon',
      name: 'Acme on Mastodon',
      account: `@acme@${server.instance.domain}`,
      status: 'connected',
      tokenExpiresAt: null,
    });
    // The token request proved the PKCE verifier (the stand-in checks it against the challenge).
    const tokenForm = new URLSearchParams(server.seen('POST /oauth/token').at(-1)!.body.toString('utf8'));
    expect(tokenForm.get('grant_type')).toBe('authorization_code');
    expect(tokenForm.get('code_verifier')?.length).toBeGreaterThanOrEqual(43);
    // The quota Mastodon reported while checking the account is on the channel.
    expect(done.body.channel.quota).toMatchObject({ limit: 300, scope: expect.stringContaining('requests') });
    expect(done.body.channel.quota.remaining).toBeLessThan(300);

    // The channel works with the granted token: the health check reaches the account.
    const tested = await t.http.post(
      `/api/v1/workspaces/${t.workspaceId}/channels/${done.body.channel.id}/test`,
    );
    expect(tested.body.channel).toMatchObject({ status: 'connected', lastError: null });

    // A second sign-in on the same server, from another workspace, reuses the registration.
    const other = await h.tenant('signin-two');
    await start(other);
    expect(server.seen('POST /api/v1/apps').length - appsBefore).toBe(1);

    const audit = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/audit-events`);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['channel.oauth_started', 'channel.connected']),
    );
  });

  it('uses a state once: a replayed callback is refused and connects nothing twice', async () => {
    const t = await h.tenant('replay');
    const back = await consent((await start(t)).authorizeUrl);
    expect((await t.http.post('/api/v1/oauth/complete', answerOf(back))).status).toBe(201);
    const again = await t.http.post('/api/v1/oauth/complete', answerOf(back));
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(
      /unknown or was already used.*Start connecting the channel again/,
    );
    const channels = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`);
    expect(channels.body.channels).toHaveLength(1);
  });

  it('refuses a callback finished by another user, and one with a forged state', async () => {
    const t = await h.tenant('victim');
    const intruder = await h.tenant('intruder');
    const back = await consent((await start(t)).authorizeUrl);
    const stolen = await intruder.http.post('/api/v1/oauth/complete', answerOf(back));
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.message).toContain('started by another user');
    const forged = await t.http.post('/api/v1/oauth/complete', { ...answerOf(back), state: 'x'.repeat(43) });
    expect(forged.status).toBe(400);
    for (const who of [t, intruder]) {
      const list = await who.http.get(`/api/v1/workspaces/${who.workspaceId}/channels`);
      expect(list.body.channels).toEqual([]);
    }
  });

  it('says plainly when the person declines, and connects nothing', async () => {
    const t = await h.tenant('declined');
    server.oauth.denyNext = true;
    const back = await consent((await start(t)).authorizeUrl);
    expect(back.searchParams.get('error')).toBe('access_denied');
    const res = await t.http.post('/api/v1/oauth/complete', answerOf(back));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/access was not granted.*choose Authorize/);
    expect((await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`)).body.channels).toEqual([]);
  });

  it('refuses a code the server will not honour (wrong verifier or reused code) with an actionable message', async () => {
    const t = await h.tenant('badcode');
    const back = await consent((await start(t)).authorizeUrl);
    const res = await t.http.post('/api/v1/oauth/complete', { ...answerOf(back), code: 'not-the-code' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/could not finish signing in to Mastodon.*invalid_grant/);
  });

  it('reconnects an existing channel by signing in again, replacing a revoked token', async () => {
    const t = await h.tenant('reconnect');
    const first = await t.http.post(
      '/api/v1/oauth/complete',
      answerOf(await consent((await start(t)).authorizeUrl)),
    );
    const channelId = first.body.channel.id;
    for (const token of server.oauth.tokens) if (token !== [...server.oauth.tokens][0]) server.revoke(token);
    const broken = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${channelId}/test`);
    expect(broken.body.channel.status).toBe('needs_reconnect');

    const again = await t.http.post(
      '/api/v1/oauth/complete',
      answerOf(await consent((await start(t, { channelId })).authorizeUrl)),
    );
    expect(again.status, again.text).toBe(201);
    expect(again.body.channel).toMatchObject({ id: channelId, status: 'connected', lastError: null });
    const list = await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`);
    expect(list.body.channels).toHaveLength(1);
  });

  it('rejects signing in where the network has no sign-in, and a bad server address, with what to do', async () => {
    const t = await h.tenant('wrong');
    const bluesky = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/oauth`, {
      network: 'bluesky',
      fields: {},
    });
    expect(bluesky.status).toBe(400);
    expect(bluesky.body.error.message).toMatch(/Bluesky is not connected by signing in: enter its/);
    const address = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/oauth`, {
      network: 'mastodon',
      fields: { instance: 'ftp://nowhere' },
    });
    expect(address.status).toBe(400);
    expect(address.body.error.message).toContain('fields.instance');
  });

  it('lets only channel managers start a sign-in', async () => {
    const t = await h.tenant('roles');
    const analyst = await h.member(t.workspaceId, 'analyst');
    const res = await analyst.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/oauth`, {
      network: 'mastodon',
      fields: { instance: server.url },
    });
    expect(res.status).toBe(403);
  });
});

describe.each(TEST_TARGETS)('a signed-in channel whose tokens expire, on %s', (target) => {
  const clock = new ManualClock(new Date());
  let h: Harness;
  let server: MastodonStandIn;

  beforeAll(async () => {
    h = await createHarness(target, { clock, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    server = await startMastodonStandIn();
    // This server issues tokens for 10 minutes with rotating refresh tokens (used ones stop working).
    server.oauth.expiresIn = 600;
  });
  afterAll(async () => {
    for (const token of [...server.oauth.tokens, ...server.oauth.refresh.keys()]) h.secrets.add(token);
    await server.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  it('shows the expiry, refreshes ahead of it, and keeps the rotated refresh token for the next time', async () => {
    const t = await h.tenant('expiring');
    const start = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/oauth`, {
      network: 'mastodon',
      fields: { instance: server.url },
    });
    const back = new URL(
      (await fetch(start.body.authorizeUrl, { redirect: 'manual' })).headers.get('location')!,
    );
    const done = await t.http.post('/api/v1/oauth/complete', {
      state: back.searchParams.get('state'),
      code: back.searchParams.get('code'),
    });
    expect(done.status, done.text).toBe(201);
    const channelId = done.body.channel.id;
    expect(Date.parse(done.body.channel.tokenExpiresAt)).toBe(clock.now().getTime() + 600_000);

    const refreshes = () => server.seen('POST /oauth/token').filter((r) => r.body.includes('refresh_token='));
    // Still 6 minutes left: the token is used as it is.
    clock.advance(4 * 60_000);
    await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${channelId}/test`);
    expect(refreshes()).toHaveLength(0);

    // Less than 5 minutes left: refreshed before use; the new expiry shows on the channel.
    for (const round of [1, 2]) {
      clock.advance(2 * 60_000);
      const tested = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/${channelId}/test`);
      expect(tested.body.channel).toMatchObject({ status: 'connected', lastError: null });
      expect(refreshes()).toHaveLength(round);
      expect(Date.parse(tested.body.channel.tokenExpiresAt)).toBe(clock.now().getTime() + 600_000);
      // Each refresh spent the refresh token it used: the second round worked only because the rotated
      // one was saved.
      clock.advance(4 * 60_000);
    }
    const used = refreshes().map((r) => new URLSearchParams(r.body.toString('utf8')).get('refresh_token'));
    expect(new Set(used).size).toBe(2);
  });

  it('refreshes idle channels ahead of expiry in the maintenance job, flags revoked ones, and drops stale sign-ins', async () => {
    const t = await h.tenant('idle');
    const start = async () =>
      (
        await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels/oauth`, {
          network: 'mastodon',
          fields: { instance: server.url },
        })
      ).body.authorizeUrl as string;
    const back = new URL((await fetch(await start(), { redirect: 'manual' })).headers.get('location')!);
    const done = await t.http.post('/api/v1/oauth/complete', {
      state: back.searchParams.get('state'),
      code: back.searchParams.get('code'),
    });
    const channelId = done.body.channel.id;
    const channel = async () =>
      (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/channels`)).body.channels.find(
        (c: { id: string }) => c.id === channelId,
      );

    // An unfinished sign-in, left for longer than 15 minutes.
    const abandoned = new URL((await fetch(await start(), { redirect: 'manual' })).headers.get('location')!);

    clock.advance(6 * 60_000);
    const first = await h.services.channels.maintain();
    expect(first.checked).toBeGreaterThanOrEqual(1);
    expect(Date.parse((await channel()).tokenExpiresAt)).toBe(clock.now().getTime() + 600_000);

    // The person revokes Chorus on their server: the next maintenance run finds out.
    server.oauth.refresh.clear();
    clock.advance(10 * 60_000);
    const second = await h.services.channels.maintain();
    expect(second.flowsPurged).toBeGreaterThanOrEqual(1);
    expect(await channel()).toMatchObject({ status: 'needs_reconnect' });
    expect((await channel()).lastError).toMatch(/needs reconnecting.*invalid_grant.*Settings → Channels/);

    const late = await t.http.post('/api/v1/oauth/complete', {
      state: abandoned.searchParams.get('state'),
      code: abandoned.searchParams.get('code'),
    });
    expect(late.status).toBe(400);
  });
});
