import { createServer } from 'node:net';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/**
 * Feeds against a real HTTP server on loopback: each test serves its own documents under its own path,
 * and can see every request Chorus made for them (conditional GET headers included).
 */
type Served = {
  status?: number;
  body: string | Buffer;
  type?: string;
  headers?: Record<string, string>;
  /** Answer 304 when the request carries this ETag in If-None-Match. */
  etag?: string;
  /** Hold the answer this long (to make two polls overlap). */
  delayMs?: number;
};

const rss = (items: string, title = 'Kitchen news') =>
  `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${title}</title><link>https://kitchen.example/</link>${items}</channel></rss>`;
const item = (n: number, extra = '') =>
  `<item><title>Recipe ${n}</title><link>https://kitchen.example/recipes/${n}</link><guid isPermaLink="false">recipe-${n}</guid><description>&lt;p&gt;Summary of recipe ${n}&lt;/p&gt;</description><pubDate>${new Date(Date.UTC(2027, 0, n)).toUTCString()}</pubDate>${extra}</item>`;

describe.each(TEST_TARGETS)('feeds on %s', (target) => {
  const clock = new ManualClock(new Date('2027-03-01T09:00:00Z'));
  let h: Harness;
  let server: Awaited<ReturnType<typeof startReceiver>>;
  const served = new Map<string, Served>();
  let counter = 0;

  beforeAll(async () => {
    h = await createHarness(target, { clock, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    server = await startReceiver((req: ReceivedRequest, res: ServerResponse) => {
      const path = req.path.split('?')[0]!;
      // Channels: a signed webhook receiver (accepts everything) and a Discord-style webhook.
      if (path.startsWith('/hook')) return void res.writeHead(200).end('{}');
      if (path.startsWith('/discord')) {
        if (req.method === 'GET') return void res.end(JSON.stringify({ name: 'Discord hook' }));
        return void res.writeHead(200).end(JSON.stringify({ id: `m${Math.random()}`, channel_id: '1' }));
      }
      const s = served.get(path);
      if (!s) return void res.writeHead(404).end('no such feed');
      const answer = () => {
        if (s.etag && req.headers['if-none-match'] === s.etag) return void res.writeHead(304).end();
        res.writeHead(s.status ?? 200, {
          'content-type': s.type ?? 'application/rss+xml; charset=utf-8',
          ...(s.etag ? { etag: s.etag } : {}),
          ...s.headers,
        });
        res.end(s.body);
      };
      if (s.delayMs) setTimeout(answer, s.delayMs);
      else answer();
    });
  });
  afterAll(async () => {
    await server.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  const serve = (s: Served) => {
    const path = `/feeds/${++counter}.xml`;
    served.set(path, s);
    return { path, url: `${server.url}${path}` };
  };
  const requestsFor = (path: string) => server.requests.filter((r) => r.path === path);

  async function setup(label: string, networks: ('webhook' | 'discord')[] = ['webhook']) {
    const t = await h.tenant(label);
    const channelIds: string[] = [];
    for (const [i, network] of networks.entries()) {
      const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network,
        name: `${label}-${network}-${i}`,
        credential:
          network === 'discord'
            ? { url: `${server.url}/discord/api/webhooks/1/${label}-${i}` }
            : { url: `${server.url}/hook/${label}-${i}`, secret: 'feeds-test-signing-secret' },
      });
      expect(res.status, res.text).toBe(201);
      channelIds.push(res.body.channel.id);
    }
    const base = `/api/v1/workspaces/${t.workspaceId}`;
    return { ...t, channelIds, base };
  }

  async function subscribe(t: Awaited<ReturnType<typeof setup>>, body: Record<string, unknown>) {
    const res = await t.http.post(`${t.base}/feeds`, { channelIds: t.channelIds, target: 'draft', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body as { feed: any; imported: any };
  }

  const posts = async (t: Awaited<ReturnType<typeof setup>>) =>
    (await t.http.get(`${t.base}/posts`)).body.posts as any[];
  const items = async (t: Awaited<ReturnType<typeof setup>>, feedId: string) =>
    (await t.http.get(`${t.base}/feeds/${feedId}/items`)).body.items as any[];

  /**
   * The scheduler job, then the poll jobs it queued: what the job engine does every five minutes. Feeds of
   * earlier tests are due too; the answer has the polls of `feedIds` only.
   */
  async function scheduledRun(...feedIds: string[]) {
    const scheduler = h.services.jobHandlers.find((j) => j.name === 'feeds.schedule.v1')!;
    await scheduler.handle({} as never, { jobId: 'test' });
    const poll = h.services.jobHandlers.find((j) => j.name === 'feeds.poll.v1')!;
    const jobs = h.queuedJobs.filter((j) => j.name === 'feeds.poll.v1');
    h.queuedJobs.splice(0, h.queuedJobs.length, ...h.queuedJobs.filter((j) => j.name !== 'feeds.poll.v1'));
    const polls: any[] = [];
    for (const job of jobs) {
      const outcome = await poll.handle(job.payload as never, { jobId: 'test' });
      if (feedIds.includes((job.payload as { feedId: string }).feedId)) polls.push(outcome);
    }
    return { queued: polls.length, polls };
  }

  it('subscribes to an RSS 2.0 feed without posting its old items, then drafts each new item once', async () => {
    const t = await setup('rss2');
    const feedDoc = serve({ body: rss(item(1) + item(2)) });
    const { feed, imported } = await subscribe(t, { url: feedDoc.url });
    expect(feed).toMatchObject({
      url: feedDoc.url,
      title: 'Kitchen news',
      siteUrl: 'https://kitchen.example/',
      format: 'rss2',
      target: 'draft',
      template: '{title}\n\n{link}',
      active: true,
      lastError: null,
      failureCount: 0,
      ownerId: t.user.id,
    });
    expect(imported.posted).toBe(0);
    expect(await posts(t)).toEqual([]);
    const seen = await items(t, feed.id);
    expect(seen.map((i) => [i.key, i.status, i.postId])).toEqual([
      ['recipe-2', 'seen', null],
      ['recipe-1', 'seen', null],
    ]);

    // Not due yet: the scheduler leaves it alone.
    expect((await scheduledRun(feed.id)).queued).toBe(0);
    served.get(feedDoc.path)!.body = rss(item(3) + item(2) + item(1));
    clock.advance(15 * 60_000);
    const run = await scheduledRun(feed.id);
    expect(run.queued).toBe(1);
    expect(run.polls).toEqual([{ outcome: 'fetched', newItems: 1, posted: 1, failed: 0, skipped: 0 }]);
    const list = await posts(t);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      status: 'draft',
      body: 'Recipe 3\n\nhttps://kitchen.example/recipes/3',
      channels: [{ channelId: t.channelIds[0] }],
    });
    const after = await items(t, feed.id);
    expect(after[0]).toMatchObject({ key: 'recipe-3', status: 'posted', postId: list[0].id });

    // Polled again with nothing new: no second post of item 3.
    clock.advance(15 * 60_000);
    expect((await scheduledRun(feed.id)).polls[0]).toMatchObject({
      outcome: 'fetched',
      newItems: 0,
      posted: 0,
    });
    expect(await posts(t)).toHaveLength(1);

    // Deleting the post leaves the item recorded (never posted again) but without a post.
    expect((await t.http.delete(`${t.base}/posts/${list[0].id}`)).status).toBe(204);
    expect((await items(t, feed.id))[0]).toMatchObject({ key: 'recipe-3', status: 'posted', postId: null });
  });

  it('sends If-None-Match and If-Modified-Since from what the server sent, and a 304 changes nothing', async () => {
    const t = await setup('conditional');
    const lastModified = 'Mon, 01 Mar 2027 08:00:00 GMT';
    const doc = serve({ body: rss(item(1)), etag: '"v1"', headers: { 'last-modified': lastModified } });
    const { feed } = await subscribe(t, { url: doc.url });
    const first = requestsFor(doc.path);
    expect(first).toHaveLength(1);
    expect(first[0]!.headers['if-none-match']).toBeUndefined();
    expect(first[0]!.headers['if-modified-since']).toBeUndefined();
    expect(first[0]!.headers['user-agent']).toBe('Chorus-Feeds');
    expect(first[0]!.headers.accept).toContain('application/rss+xml');

    // The document changes on the server's side but it still answers 304 for "v1": Chorus must trust it.
    served.get(doc.path)!.body = rss(item(2) + item(1));
    const polled = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(polled.status, polled.text).toBe(200);
    expect(polled.body.outcome).toEqual({
      outcome: 'not_modified',
      newItems: 0,
      posted: 0,
      failed: 0,
      skipped: 0,
    });
    const second = requestsFor(doc.path)[1]!;
    expect(second.headers['if-none-match']).toBe('"v1"');
    expect(second.headers['if-modified-since']).toBe(lastModified);
    expect(await posts(t)).toEqual([]);
    expect((await items(t, feed.id)).map((i) => i.key)).toEqual(['recipe-1']);
    expect(polled.body.feed).toMatchObject({
      lastError: null,
      failureCount: 0,
      lastPolledAt: clock.now().toISOString(),
    });

    // A new version: fetched in full, the new item drafted, and the new validator sent next time.
    served.get(doc.path)!.etag = '"v2"';
    const changed = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(changed.body.outcome).toMatchObject({ outcome: 'fetched', posted: 1 });
    await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(requestsFor(doc.path)[3]!.headers['if-none-match']).toBe('"v2"');
    expect(await posts(t)).toHaveLength(1);
  });

  it('reads Atom: relative links resolved, HTML summaries as plain text, entities decoded, authors', async () => {
    const t = await setup('atom');
    const doc = serve({
      type: 'application/atom+xml',
      body: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Caf&amp;eacute; &amp;amp; Bar</title>
<link rel="alternate" href="https://cafe.example/"/><link rel="self" href="/atom.xml"/>
<entry><id>tag:cafe.example,2027:1</id><title>Old one</title><link href="/posts/1"/><updated>2027-01-01T00:00:00Z</updated></entry>
<entry><id>tag:cafe.example,2027:2</id><title type="html">Tea &amp;amp; cake &amp;#8212; &amp;lt;b&amp;gt;new&amp;lt;/b&amp;gt;</title>
<link rel="alternate" type="text/html" href="/posts/2"/><link rel="enclosure" href="/cake.jpg"/>
<published>2027-02-01T00:00:00Z</published><author><name>Ann</name></author><author><name>Bo</name></author>
<summary type="html"><![CDATA[<p>Fresh&nbsp;cake <script>alert(1)</script>every <b>morning</b> &amp; tea.</p>]]></summary></entry>
</feed>`,
    });
    const { feed, imported } = await subscribe(t, {
      url: doc.url,
      importLatest: 1,
      template: '{feed}: {title} by {author}\n{summary}\n{link}',
    });
    expect(feed).toMatchObject({ format: 'atom', title: 'Café & Bar', siteUrl: 'https://cafe.example/' });
    expect(imported).toMatchObject({ outcome: 'fetched', newItems: 1, posted: 1 });
    const [post] = await posts(t);
    expect(post.body).toBe(
      `Café & Bar: Tea & cake — new by Ann, Bo\nFresh cake every morning & tea.\n${server.url}/posts/2`,
    );
    expect((await items(t, feed.id)).map((i) => [i.key, i.status])).toEqual([
      ['tag:cafe.example,2027:2', 'posted'],
      ['tag:cafe.example,2027:1', 'seen'],
    ]);
  });

  it('reads RSS 1.0 (RDF) with dc:creator and rdf:about as the key', async () => {
    const t = await setup('rss1');
    const doc = serve({
      type: 'application/rdf+xml',
      body: `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://slash.example/"><title>Slash</title><link>https://slash.example/</link></channel>
<item rdf:about="https://slash.example/a"><title>Story A</title><link>https://slash.example/a?from=rss</link><description>About A</description><dc:creator>Cy</dc:creator><dc:date>2027-02-02T10:00:00Z</dc:date></item>
<item rdf:about="https://slash.example/b"><title>Story B</title><link>https://slash.example/b</link><description>About B</description><dc:date>2027-02-01T10:00:00Z</dc:date></item>
</rdf:RDF>`,
    });
    const { feed } = await subscribe(t, {
      url: doc.url,
      importLatest: 2,
      template: '{title} ({author}) {summary} {link}',
    });
    expect(feed).toMatchObject({ format: 'rss1', title: 'Slash' });
    // Oldest first, so the drafts keep the feed's order in time.
    const list = await posts(t);
    expect(list.map((p) => p.body).sort()).toEqual([
      'Story A (Cy) About A https://slash.example/a?from=rss',
      'Story B () About B https://slash.example/b',
    ]);
    expect((await items(t, feed.id)).map((i) => i.key)).toEqual([
      'https://slash.example/a',
      'https://slash.example/b',
    ]);
  });

  it('refuses what is not a feed, is unreachable or too large, saying what it was', async () => {
    const t = await setup('refused');
    const attempt = async (url: string) => {
      const res = await t.http.post(`${t.base}/feeds`, { url, channelIds: t.channelIds, target: 'draft' });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.details).toMatchObject({ field: 'url' });
      return res.body.error.message as string;
    };
    const html = serve({
      type: 'text/html',
      body: '<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/blog/rss.xml"></head><body>Blog</body></html>',
    });
    expect(await attempt(html.url)).toContain(
      `web page (HTML), not a feed. The page names its feed: subscribe to ${server.url}/blog/rss.xml`,
    );
    const plainHtml = serve({ type: 'text/html', body: '<html><body><p>Hello</p></body></html>' });
    expect(await attempt(plainHtml.url)).toContain('web page (HTML), not a feed');
    expect(
      await attempt(
        serve({ type: 'application/json', body: '{"version":"https://jsonfeed.org/version/1.1","items":[]}' })
          .url,
      ),
    ).toContain('answered with JSON');
    expect(await attempt(serve({ body: '<rss><channel><title>Broken</channel></rss>' }).url)).toMatch(
      /not well-formed XML \(line 1, column \d+/,
    );
    expect(await attempt(serve({ body: 'just some words' }).url)).toContain(
      'neither RSS 2.0, RSS 1.0 nor Atom',
    );
    expect(
      await attempt(serve({ body: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>' }).url),
    ).toContain('root element is <svg>');
    expect(await attempt(serve({ body: '' }).url)).toContain('empty body');
    expect(await attempt(`${server.url}/feeds/missing.xml`)).toContain('answered 404');
    expect(await attempt(serve({ status: 403, body: 'no' }).url)).toContain('needs a sign-in');
    expect(await attempt(serve({ body: Buffer.alloc(6 * 1024 * 1024, 0x20) }).url)).toContain(
      'larger than 5 MB',
    );
    // A port nobody listens on.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await attempt(`http://127.0.0.1:${port}/feed.xml`)).toContain('could not be reached');
    expect(await attempt('ftp://example.com/feed')).toContain('https://');
    const bad = await t.http.post(`${t.base}/feeds`, {
      url: serve({ body: rss(item(1)) }).url,
      channelIds: t.channelIds,
      target: 'draft',
      template: '{title} {url}',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Unknown placeholder {url}');
    expect((await t.http.get(`${t.base}/feeds`)).body.feeds).toEqual([]);
  });

  it('dedupes by guid (an edited item is not posted again) and, without a guid, by link', async () => {
    const t = await setup('dedupe');
    const noGuid = (n: number, title: string) =>
      `<item><title>${title}</title><link>https://kitchen.example/page/${n}</link></item>`;
    const doc = serve({ body: rss(item(1) + noGuid(1, 'Page one')) });
    const { feed } = await subscribe(t, { url: doc.url });
    // Item 1 is edited (new title and link, same guid); the guid-less page changes its title; a new item
    // appears twice in the document.
    served.get(doc.path)!.body = rss(
      item(9) +
        item(9) +
        item(1).replace('Recipe 1', 'Recipe 1 (updated)').replace('/recipes/1', '/recipes/1-updated') +
        noGuid(1, 'Page one, retitled') +
        noGuid(2, 'Page two'),
    );
    const polled = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(polled.body.outcome).toMatchObject({ outcome: 'fetched', newItems: 2, posted: 2 });
    expect((await posts(t)).map((p) => p.body).sort()).toEqual([
      'Page two\n\nhttps://kitchen.example/page/2',
      'Recipe 9\n\nhttps://kitchen.example/recipes/9',
    ]);
    expect((await items(t, feed.id)).map((i) => i.key).sort()).toEqual([
      'https://kitchen.example/page/1',
      'https://kitchen.example/page/2',
      'recipe-1',
      'recipe-9',
    ]);
  });

  it('two polls at once make one post per new item', async () => {
    const t = await setup('parallel');
    const doc = serve({ body: rss(item(1)) });
    const { feed } = await subscribe(t, { url: doc.url });
    const doc2 = served.get(doc.path)!;
    doc2.body = rss(item(4) + item(3) + item(2) + item(1));
    // Both requests are in flight together and both get the document with three new items.
    doc2.delayMs = 200;
    const before = requestsFor(doc.path).length;
    const outcomes = await Promise.all([h.services.feeds.poll(feed.id), h.services.feeds.poll(feed.id)]);
    expect(requestsFor(doc.path).length - before).toBe(2);
    expect(outcomes.map((o) => o.outcome)).toEqual(['fetched', 'fetched']);
    expect(outcomes[0]!.posted + outcomes[1]!.posted).toBe(3);
    const list = await posts(t);
    expect(list.map((p) => p.body).sort()).toEqual(
      [2, 3, 4].map((n) => `Recipe ${n}\n\nhttps://kitchen.example/recipes/${n}`),
    );
    const recorded = await items(t, feed.id);
    expect(recorded.filter((i) => i.status === 'posted')).toHaveLength(3);
    expect(new Set(recorded.map((i) => i.postId).filter(Boolean)).size).toBe(3);
  });

  it('trims the text to the smallest limit of the chosen channels and keeps the link whole', async () => {
    const t = await setup('trim', ['webhook', 'discord']);
    const long = 'Slow-cooked beans with smoked paprika and garlic. '.repeat(100);
    const link =
      'https://kitchen.example/recipes/a-very-long-address-for-the-slow-cooked-beans?utm_source=feed';
    const doc = serve({
      body: rss(
        `<item><guid>beans</guid><title>Beans</title><link>${link.replace(/&/g, '&amp;')}</link><description>${long}</description></item>`,
      ),
    });
    const { imported } = await subscribe(t, {
      url: doc.url,
      importLatest: 1,
      template: '{title}\n\n{summary}\n\nRead more: {link}',
    });
    expect(imported.posted).toBe(1);
    const [post] = await posts(t);
    // Discord's 2,000 characters, not the signed webhook's 10,000.
    expect([...post.body].length).toBeLessThanOrEqual(2000);
    expect([...post.body].length).toBeGreaterThan(1900);
    expect(post.body.startsWith('Beans\n\nSlow-cooked beans')).toBe(true);
    expect(post.body.endsWith(`…\n\nRead more: ${link}`)).toBe(true);
  });

  it('records a failing feed’s error and backs off, without holding up other feeds; recovers when it answers', async () => {
    const t = await setup('failing');
    const broken = serve({ body: rss(item(1)) });
    const healthy = serve({ body: rss(item(1)) });
    const { feed: bad } = await subscribe(t, { url: broken.url });
    const { feed: good } = await subscribe(t, { url: healthy.url });
    served.get(broken.path)!.status = 503;
    served.get(healthy.path)!.body = rss(item(5) + item(1));
    clock.advance(15 * 60_000);
    const run = await scheduledRun(bad.id, good.id);
    expect(run.polls.map((p) => p.outcome).sort()).toEqual(['failed', 'fetched']);
    expect((await posts(t)).map((p) => p.body)).toEqual(['Recipe 5\n\nhttps://kitchen.example/recipes/5']);
    let failed = (await t.http.get(`${t.base}/feeds/${bad.id}`)).body.feed;
    expect(failed).toMatchObject({ failureCount: 1, lastPolledAt: clock.now().toISOString() });
    expect(failed.lastError).toContain('answered 503');
    expect(failed.nextPollAt).toBe(new Date(clock.now().getTime() + 30 * 60_000).toISOString());
    expect((await t.http.get(`${t.base}/feeds/${good.id}`)).body.feed.lastError).toBeNull();

    // Backing off: not polled at the good feed's next turn, and twice as long after the second failure.
    clock.advance(15 * 60_000);
    expect((await scheduledRun(bad.id, good.id)).polls).toHaveLength(1);
    clock.advance(15 * 60_000);
    expect((await scheduledRun(bad.id, good.id)).polls).toHaveLength(2);
    failed = (await t.http.get(`${t.base}/feeds/${bad.id}`)).body.feed;
    expect(failed.failureCount).toBe(2);
    expect(failed.nextPollAt).toBe(new Date(clock.now().getTime() + 60 * 60_000).toISOString());

    // It answers again: the error is cleared and its new item drafted.
    served.get(broken.path)!.status = 200;
    served.get(broken.path)!.body = rss(item(6) + item(1));
    const polled = await t.http.post(`${t.base}/feeds/${bad.id}/poll`);
    expect(polled.body.outcome).toMatchObject({ outcome: 'fetched', posted: 1 });
    expect(polled.body.feed).toMatchObject({ lastError: null, failureCount: 0 });

    // What is no longer a feed is a failure too, with the reason.
    served.get(broken.path)!.body = '<html><body>Moved</body></html>';
    served.get(broken.path)!.type = 'text/html';
    const html = await t.http.post(`${t.base}/feeds/${bad.id}/poll`);
    expect(html.body.outcome).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('web page (HTML)'),
    });
    expect(html.body.feed.lastError).toContain('web page (HTML)');
  });

  it('pauses and resumes; edits take effect; poll now refuses a paused feed; posts as whoever saved it', async () => {
    const t = await setup('manage', ['webhook', 'webhook']);
    const doc = serve({ body: rss(item(1)) });
    const { feed } = await subscribe(t, { url: doc.url, channelIds: [t.channelIds[0]] });
    const editor = await h.member(t.workspaceId, 'editor', 'feed-editor');
    const paused = await editor.http.patch(`${t.base}/feeds/${feed.id}`, { active: false });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body.feed).toMatchObject({ active: false, nextPollAt: null, ownerId: editor.user.id });
    expect((await t.http.post(`${t.base}/feeds/${feed.id}/poll`)).status).toBe(409);
    served.get(doc.path)!.body = rss(item(2) + item(1));
    clock.advance(60 * 60_000);
    expect((await scheduledRun(feed.id)).queued).toBe(0);

    const resumed = await editor.http.patch(`${t.base}/feeds/${feed.id}`, {
      active: true,
      channelIds: t.channelIds,
      template: 'New: {title} {link}',
    });
    expect(resumed.body.feed).toMatchObject({
      active: true,
      channelIds: t.channelIds,
      template: 'New: {title} {link}',
    });
    expect((await scheduledRun(feed.id)).polls).toMatchObject([{ outcome: 'fetched', posted: 1 }]);
    const [post] = await posts(t);
    expect(post.body).toBe('New: Recipe 2 https://kitchen.example/recipes/2');
    expect(post.channels.map((c: { channelId: string }) => c.channelId).sort()).toEqual(
      [...t.channelIds].sort(),
    );
    // An editor cannot publish without approval: the feed posts with the editor's permissions.
    expect(post.approved).toBe(false);

    const bogus = await t.http.patch(`${t.base}/feeds/${feed.id}`, {
      channelIds: ['0190a0a0-0000-7000-8000-0000000000bb'],
    });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error.message).toContain('Not a channel of this workspace');

    // Subscribing the same address twice is refused.
    const twice = await t.http.post(`${t.base}/feeds`, {
      url: doc.url,
      channelIds: t.channelIds,
      target: 'draft',
    });
    expect(twice.status).toBe(409);

    // Feeds belong to those who write posts: an address may carry a private token, so readers (analysts,
    // clients) neither see nor change them.
    const analyst = await h.member(t.workspaceId, 'analyst', 'feed-analyst');
    expect((await analyst.http.get(`${t.base}/feeds`)).status).toBe(403);
    expect((await analyst.http.get(`${t.base}/feeds/${feed.id}/items`)).status).toBe(403);
    expect((await analyst.http.patch(`${t.base}/feeds/${feed.id}`, { active: false })).status).toBe(403);
    expect((await analyst.http.post(`${t.base}/feeds/${feed.id}/poll`)).status).toBe(403);

    // The person it posts as leaves: the feed records why it cannot post, and says how to fix it.
    expect((await t.http.delete(`${t.base}/members/${editor.user.id}`)).status).toBe(204);
    served.get(doc.path)!.body = rss(item(3) + item(2) + item(1));
    const orphan = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(orphan.body.outcome).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('save it'),
    });
    expect(await posts(t)).toHaveLength(1);
    await t.http.patch(`${t.base}/feeds/${feed.id}`, { template: '{title} {link}' });
    expect((await t.http.post(`${t.base}/feeds/${feed.id}/poll`)).body.outcome).toMatchObject({ posted: 1 });

    // A disconnected channel stops the feed before anything is recorded: the new item waits, not lost.
    expect((await t.http.delete(`${t.base}/channels/${t.channelIds[1]}`)).status).toBe(204);
    served.get(doc.path)!.body = rss(item(4) + item(3) + item(2) + item(1));
    const held = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(held.body.outcome).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('manage-webhook-1 is disconnected'),
    });
    expect((await items(t, feed.id)).map((i) => i.key)).not.toContain('recipe-4');
    await t.http.patch(`${t.base}/feeds/${feed.id}`, { channelIds: [t.channelIds[0]] });
    expect((await t.http.post(`${t.base}/feeds/${feed.id}/poll`)).body.outcome).toMatchObject({ posted: 1 });
    expect((await items(t, feed.id))[0]).toMatchObject({ key: 'recipe-4', status: 'posted' });

    const removed = await t.http.delete(`${t.base}/feeds/${feed.id}`);
    expect(removed.status).toBe(204);
    expect((await t.http.get(`${t.base}/feeds/${feed.id}`)).status).toBe(404);
    expect(await posts(t)).toHaveLength(3);
  });

  it('puts new items into each channel’s next free queue slots, oldest item first', async () => {
    const t = await setup('queue', ['webhook', 'webhook']);
    const doc = serve({ body: rss(item(1)) });
    const refused = await t.http.post(`${t.base}/feeds`, {
      url: doc.url,
      channelIds: t.channelIds,
      target: 'queue',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      message: expect.stringContaining('queue-webhook-0, queue-webhook-1 have no queue yet'),
      details: { field: 'target' },
    });
    const grids = [
      [
        { weekday: 1, time: '12:00' },
        { weekday: 3, time: '12:00' },
        { weekday: 5, time: '12:00' },
      ],
      [{ weekday: 2, time: '08:30' }],
    ];
    for (const [i, slots] of grids.entries()) {
      const saved = await t.http.put(`${t.base}/channels/${t.channelIds[i]}/queue`, {
        timeZone: 'UTC',
        slots,
      });
      expect(saved.status, saved.text).toBe(200);
    }
    const upcoming = async (i: number) =>
      (await t.http.get(`${t.base}/channels/${t.channelIds[i]}/queue`)).body.queue.upcoming.map(
        (u: { at: string }) => u.at,
      ) as string[];
    const [a, b] = [await upcoming(0), await upcoming(1)];
    const { feed } = await subscribe(t, { url: doc.url, target: 'queue' });
    expect(feed.target).toBe('queue');

    served.get(doc.path)!.body = rss(item(8) + item(7) + item(1));
    const polled = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(polled.body.outcome).toMatchObject({ outcome: 'fetched', posted: 2 });
    const byBody = new Map((await posts(t)).map((p) => [p.body.split('\n')[0], p]));
    const dueAt = (title: string, i: number) =>
      byBody.get(title).deliveries.find((d: { channelId: string }) => d.channelId === t.channelIds[i]);
    // Item 7 is older, so it takes the first free slot of each channel; item 8 the next.
    expect(dueAt('Recipe 7', 0)).toMatchObject({ dueAt: a[0], queued: true, state: 'scheduled' });
    expect(dueAt('Recipe 8', 0)).toMatchObject({ dueAt: a[1], queued: true, state: 'scheduled' });
    expect(dueAt('Recipe 7', 1)).toMatchObject({ dueAt: b[0], queued: true });
    expect(dueAt('Recipe 8', 1)).toMatchObject({ dueAt: b[1], queued: true });
    expect(byBody.get('Recipe 7')).toMatchObject({ status: 'scheduled', title: 'Recipe 7' });

    // A queue emptied later: the poll stops before recording anything, and the item waits.
    await t.http.put(`${t.base}/channels/${t.channelIds[1]}/queue`, { timeZone: 'UTC', slots: [] });
    served.get(doc.path)!.body = rss(item(9) + item(8) + item(7) + item(1));
    const held = await t.http.post(`${t.base}/feeds/${feed.id}/poll`);
    expect(held.body.outcome).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('queue-webhook-1 has no queue yet'),
    });
    expect((await items(t, feed.id)).map((i) => i.key)).not.toContain('recipe-9');
    const drafts = await t.http.patch(`${t.base}/feeds/${feed.id}`, { target: 'draft' });
    expect(drafts.status).toBe(200);
    expect((await t.http.post(`${t.base}/feeds/${feed.id}/poll`)).body.outcome).toMatchObject({ posted: 1 });
    expect((await posts(t)).find((p) => p.body.startsWith('Recipe 9'))).toMatchObject({ status: 'draft' });
  });

  it('previews a template against the feed’s newest items without subscribing', async () => {
    const t = await setup('preview', ['discord']);
    const doc = serve({ body: rss(item(1) + item(2) + item(3) + item(4)) });
    const res = await t.http.post(`${t.base}/feeds/preview`, {
      url: doc.url,
      template: '{title}: {summary} {link}',
      channelIds: t.channelIds,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ url: doc.url, title: 'Kitchen news', format: 'rss2' });
    expect(res.body.items.map((i: { text: string }) => i.text)).toEqual(
      [4, 3, 2].map((n) => `Recipe ${n}: Summary of recipe ${n} https://kitchen.example/recipes/${n}`),
    );
    expect((await t.http.get(`${t.base}/feeds`)).body.feeds).toEqual([]);
  });
});
