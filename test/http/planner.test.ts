import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TARGETS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/**
 * The content planner through the API: ideas and drafts, categories, queues (slots in the channel's zone,
 * next free slot, category slots, pause, shuffle, recalculate), the calendar with notes and drag-to-move,
 * the secret iCal feed, and evergreen posts going back into the queue. Time is a manual clock: Monday
 * 2027-03-01 10:00 in Berlin (09:00 UTC).
 */
describe.each(TEST_TARGETS)('planner on %s', (target) => {
  const clock = new ManualClock(new Date('2027-03-01T09:00:00Z'));
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const SECRET = 'planner-test-secret-0001';

  beforeAll(async () => {
    h = await createHarness(target, { clock, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    h.secrets.add(SECRET);
    receiver = await startReceiver((req: ReceivedRequest, res: ServerResponse) => {
      const parsed = JSON.parse(req.body || '{}') as { ping?: boolean; idempotencyKey?: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(parsed.ping ? '{}' : JSON.stringify({ id: `post-${parsed.idempotencyKey}` }));
    });
  });
  afterAll(async () => {
    await receiver.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  async function setup(label: string, channels: string[]) {
    h.queuedJobs.splice(0);
    const t = await h.tenant(label);
    const ids: Record<string, string> = {};
    for (const name of channels) {
      const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
        network: 'webhook',
        name: `${label}-${name}`,
        credential: { url: `${receiver.url}/${label}-${name}`, secret: SECRET },
      });
      expect(res.status, res.text).toBe(201);
      ids[name] = res.body.channel.id;
    }
    const w = (path: string) => `/api/v1/workspaces/${t.workspaceId}${path}`;
    return { ...t, channel: ids, w };
  }
  const publishJobs = () =>
    h.queuedJobs
      .splice(0)
      .filter((j) => j.name === 'deliveries.publish.v1')
      .map((j) => ({ id: (j.payload as { deliveryId: string }).deliveryId, at: j.startAfter }));

  it('keeps ideas in a backlog with tags, notes and a category, and turns one into a scheduled post', async () => {
    const t = await setup('ideas', ['a']);
    const cat = await t.http.post(t.w('/categories'), { name: 'Tips', color: '#2f855a' });
    expect(cat.status, cat.text).toBe(201);
    const dup = await t.http.post(t.w('/categories'), { name: 'tips' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('already exists');

    const idea = await t.http.post(t.w('/posts'), {
      kind: 'idea',
      body: 'Five ways to plan a week of posts',
      channels: [],
      title: 'Weekly planning tips',
      notes: 'Ask Dana for the screenshot',
      tags: ['#Planning', 'planning ', 'howto'],
      categoryId: cat.body.category.id,
    });
    expect(idea.status, idea.text).toBe(201);
    expect(idea.body.post).toMatchObject({
      kind: 'idea',
      status: 'idea',
      title: 'Weekly planning tips',
      tags: ['Planning', 'howto'],
      categoryId: cat.body.category.id,
      deliveries: [],
    });
    // An idea has no time; a draft (no schedule) is a post without deliveries.
    const timed = await t.http.post(t.w('/posts'), {
      kind: 'idea',
      body: 'x',
      channels: [],
      schedule: { at: 'now' },
    });
    expect(timed.status).toBe(400);
    expect(timed.body.error.message).toContain('An idea has no time');
    const draft = await t.http.post(t.w('/posts'), {
      body: 'A draft',
      channels: [{ channelId: t.channel.a }],
    });
    expect(draft.body.post.status).toBe('draft');
    const badCategory = await t.http.post(t.w('/posts'), {
      body: 'x',
      channels: [{ channelId: t.channel.a }],
      categoryId: '0190f0f0-0000-7000-8000-000000000000',
    });
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.error.message).toContain('is not a category of this workspace');

    const ideas = await t.http.get(t.w('/posts?kind=idea'));
    expect(ideas.body.posts.map((p: { id: string }) => p.id)).toEqual([idea.body.post.id]);
    expect((await t.http.get(t.w('/posts?tag=%23planning'))).body.posts).toHaveLength(0); // tags match as written
    expect((await t.http.get(t.w('/posts?tag=Planning'))).body.posts).toHaveLength(1);
    expect((await t.http.get(t.w('/posts?drafts=true'))).body.posts.map((p: { id: string }) => p.id)).toEqual(
      [draft.body.post.id],
    );

    const converted = await t.http.patch(t.w(`/posts/${idea.body.post.id}`), {
      kind: 'post',
      channels: [{ channelId: t.channel.a }],
      schedule: { local: '2027-03-02T09:30' },
    });
    expect(converted.status, converted.text).toBe(200);
    expect(converted.body.post).toMatchObject({
      kind: 'post',
      status: 'scheduled',
      title: 'Weekly planning tips',
    });
    expect(converted.body.post.deliveries[0]).toMatchObject({
      dueAt: '2027-03-02T08:30:00.000Z',
      queued: false,
    });
    const back = await t.http.patch(t.w(`/posts/${idea.body.post.id}`), { kind: 'idea' });
    expect(back.status).toBe(409);
  });

  it('refuses a slot grid with overlaps or bad values, saying where', async () => {
    const t = await setup('grid', ['a']);
    const res = await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'Europe/Berlin',
      slots: [
        { weekday: 1, time: '09:00' },
        { weekday: 1, time: '09:03' },
        { weekday: 2, time: '9:00' },
        { weekday: 8, time: '10:00' },
      ],
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(['slots[2].time', 'slots[3].weekday']);
    const overlap = await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      slots: [
        { weekday: 1, time: '09:00' },
        { weekday: 1, time: '09:03' },
        { weekday: 7, time: '23:58' },
        { weekday: 1, time: '00:01' },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.details.issues).toEqual([
      { path: 'slots[1]', message: expect.stringContaining('Monday 09:03 overlaps 09:00 (slots[0])') },
      { path: 'slots[3]', message: expect.stringContaining('Monday 00:01 overlaps Sunday 23:58') },
    ]);
    const zone = await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'Mars/Olympus',
      slots: [],
    });
    expect(zone.status).toBe(400);
    expect((await t.http.get(t.w(`/channels/${t.channel.a}/queue`))).body.queue.configured).toBe(false);
  });

  it('adds posts to the next free slots in the channel zone, skipping slots taken within five minutes', async () => {
    const t = await setup('queue', ['a', 'b']);
    const noQueue = await t.http.post(t.w('/posts'), {
      body: 'x',
      channels: [{ channelId: t.channel.a }],
      schedule: { queue: true },
    });
    expect(noQueue.status).toBe(400);
    expect(noQueue.body.error.message).toContain('has no queue yet');

    const saved = await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'Europe/Berlin',
      slots: [
        { weekday: 1, time: '09:00' },
        { weekday: 1, time: '14:00' },
        { weekday: 3, time: '09:00' },
      ],
    });
    expect(saved.status, saved.text).toBe(200);
    // Monday 10:00 in Berlin now: the first upcoming slot is today 14:00 (13:00 UTC).
    expect(saved.body.queue.upcoming.slice(0, 3).map((u: { at: string }) => u.at)).toEqual([
      '2027-03-01T13:00:00.000Z',
      '2027-03-03T08:00:00.000Z',
      '2027-03-08T08:00:00.000Z',
    ]);
    // A post pinned at 14:03 takes today's 14:00 slot.
    const pinned = await t.http.post(t.w('/posts'), {
      body: 'Pinned',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: '2027-03-01T13:03:00Z' },
    });
    expect(pinned.status).toBe(201);
    const add = async (body: string) => {
      const r = await t.http.post(t.w('/posts'), {
        body,
        channels: [{ channelId: t.channel.a }],
        schedule: { queue: true },
      });
      expect(r.status, r.text).toBe(201);
      return r.body.post;
    };
    const first = await add('Queued one');
    const second = await add('Queued two');
    expect(first.deliveries[0]).toMatchObject({
      dueAt: '2027-03-03T08:00:00.000Z',
      queued: true,
      state: 'scheduled',
    });
    expect(second.deliveries[0].dueAt).toBe('2027-03-08T08:00:00.000Z');
    const jobs = publishJobs();
    expect(jobs.map((j) => j.at?.toISOString())).toEqual([
      '2027-03-01T13:03:00.000Z',
      '2027-03-03T08:00:00.000Z',
      '2027-03-08T08:00:00.000Z',
    ]);
    // Two posts added at once never share a slot.
    const both = await Promise.all([add('Race 1'), add('Race 2')]);
    const times = both.map((p) => p.deliveries[0].dueAt).sort();
    expect(times).toEqual(['2027-03-08T13:00:00.000Z', '2027-03-10T08:00:00.000Z']);

    // Moving the pinned post away and recalculating pulls the queue forward; the pinned post stays pinned.
    const moved = await t.http.post(t.w(`/deliveries/${pinned.body.post.deliveries[0].id}/reschedule`), {
      local: '2027-03-20T12:00',
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.delivery).toMatchObject({ dueAt: '2027-03-20T11:00:00.000Z', queued: false });
    const recalculated = await t.http.post(t.w(`/channels/${t.channel.a}/queue/recalculate`), {});
    expect(recalculated.status).toBe(200);
    const firstAfter = (await t.http.get(t.w(`/posts/${first.id}`))).body.post.deliveries[0];
    expect(firstAfter.dueAt).toBe('2027-03-01T13:00:00.000Z');
    const pinnedAfter = (await t.http.get(t.w(`/posts/${pinned.body.post.id}`))).body.post.deliveries[0];
    expect(pinnedAfter.dueAt).toBe('2027-03-20T11:00:00.000Z');

    // Shuffling keeps the same set of slot times.
    const before = await queuedTimes(t, 'a');
    const shuffled = await t.http.post(t.w(`/channels/${t.channel.a}/queue/shuffle`), {});
    expect(shuffled.status).toBe(200);
    expect(await queuedTimes(t, 'a')).toEqual(before);
  });

  async function queuedTimes(t: Awaited<ReturnType<typeof setup>>, channel: string): Promise<string[]> {
    const cal = await t.http.get(
      t.w(`/calendar?from=2027-03-01T00:00:00Z&to=2027-04-30T00:00:00Z&channelIds=${t.channel[channel]}`),
    );
    return cal.body.entries
      .filter((e: { queued: boolean }) => e.queued)
      .map((e: { dueAt: string }) => e.dueAt)
      .sort();
  }

  it('gives category slots to their category, and says so when nothing is free within 60 days', async () => {
    const t = await setup('cats', ['a']);
    const tips = (await t.http.post(t.w('/categories'), { name: 'Tips' })).body.category.id;
    const news = (await t.http.post(t.w('/categories'), { name: 'News' })).body.category.id;
    await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'UTC',
      slots: [
        { weekday: 2, time: '09:00', categoryId: tips },
        { weekday: 3, time: '09:00' },
      ],
    });
    const tip = await t.http.post(t.w('/posts'), {
      body: 'A tip',
      channels: [{ channelId: t.channel.a }],
      categoryId: tips,
      schedule: { queue: true },
    });
    expect(tip.body.post.deliveries[0].dueAt).toBe('2027-03-02T09:00:00.000Z'); // Tuesday: the Tips slot
    const plain = await t.http.post(t.w('/posts'), {
      body: 'Plain',
      channels: [{ channelId: t.channel.a }],
      schedule: { queue: true },
    });
    expect(plain.body.post.deliveries[0].dueAt).toBe('2027-03-03T09:00:00.000Z'); // Wednesday: no category
    // News has no slot of its own: it takes slots without a category.
    const item = await t.http.post(t.w('/posts'), {
      body: 'News',
      channels: [{ channelId: t.channel.a }],
      categoryId: news,
      schedule: { queue: true },
    });
    expect(item.body.post.deliveries[0].dueAt).toBe('2027-03-10T09:00:00.000Z');

    await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'UTC',
      slots: [{ weekday: 2, time: '09:00', categoryId: tips }],
    });
    const none = await t.http.post(t.w('/posts'), {
      body: 'x',
      channels: [{ channelId: t.channel.a }],
      schedule: { queue: true },
    });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('Every slot of cats-a');
    // Fill every Tips slot of the next 60 days, then one more.
    for (let i = 0; i < 8; i++) {
      const r = await t.http.post(t.w('/posts'), {
        body: `tip ${i}`,
        channels: [{ channelId: t.channel.a }],
        categoryId: tips,
        schedule: { queue: true },
      });
      expect(r.status, r.text).toBe(201);
    }
    const full = await t.http.post(t.w('/posts'), {
      body: 'one too many',
      channels: [{ channelId: t.channel.a }],
      categoryId: tips,
      schedule: { queue: true },
    });
    expect(full.status).toBe(400);
    expect(full.body.error.message).toContain('no free slot in the next 60 days');
  });

  it('pauses a queue (its posts are held, never sent) and resumes into the next free slots', async () => {
    const t = await setup('pause', ['a']);
    await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'UTC',
      slots: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, time: '12:00' })),
    });
    const post = (
      await t.http.post(t.w('/posts'), {
        body: 'Held',
        channels: [{ channelId: t.channel.a }],
        schedule: { queue: true },
      })
    ).body.post;
    expect(post.deliveries[0].dueAt).toBe('2027-03-01T12:00:00.000Z');
    const jobs = publishJobs();
    const paused = await t.http.post(t.w(`/channels/${t.channel.a}/queue/pause`), {});
    expect(paused.body.queue.paused).toBe(true);
    const added = (
      await t.http.post(t.w('/posts'), {
        body: 'Added while paused',
        channels: [{ channelId: t.channel.a }],
        schedule: { queue: true },
      })
    ).body.post;
    expect(added.deliveries[0]).toMatchObject({
      state: 'paused',
      reason: expect.stringContaining('queue of this channel is paused'),
    });
    expect(publishJobs()).toHaveLength(0);
    // The job queued before the pause runs at its time and sends nothing.
    clock.set(new Date('2027-03-01T12:00:01Z'));
    expect(await h.services.deliveryEngine.run(jobs[0]!.id)).toBe('not_claimed');
    expect(receiver.requests.filter((r) => r.path === '/pause-a' && !r.body.includes('"ping"'))).toHaveLength(
      0,
    );
    // Resuming publishing for the channel does not release a paused queue.
    const states = async () =>
      (await t.http.get(t.w('/posts'))).body.posts.map(
        (p: { deliveries: { state: string }[] }) => p.deliveries[0]!.state,
      );
    expect(await states()).toEqual(['paused', 'paused']);

    clock.set(new Date('2027-03-03T13:00:00Z'));
    await t.http.login(t.email); // two days later: a new session
    const resumed = await t.http.post(t.w(`/channels/${t.channel.a}/queue/resume`), {});
    expect(resumed.status).toBe(200);
    const after = (await t.http.get(t.w('/posts'))).body.posts;
    expect(
      after
        .map((p: { deliveries: { dueAt: string; state: string }[] }) => p.deliveries[0])
        .sort((a: { dueAt: string }, b: { dueAt: string }) => a.dueAt.localeCompare(b.dueAt)),
    ).toEqual([
      expect.objectContaining({ state: 'scheduled', dueAt: '2027-03-04T12:00:00.000Z' }),
      expect.objectContaining({ state: 'scheduled', dueAt: '2027-03-05T12:00:00.000Z' }),
    ]);
    expect(publishJobs()).toHaveLength(2);
    clock.set(new Date('2027-03-01T09:00:00Z'));
  });

  it('shows a month in the calendar with filters and notes, and moves only waiting deliveries', async () => {
    const t = await setup('cal', ['a', 'b']);
    const mk = (body: string, at: string, extra: Record<string, unknown> = {}) =>
      t.http.post(t.w('/posts'), {
        body,
        channels: [{ channelId: t.channel.a }, { channelId: t.channel.b, body: `${body} (B)` }],
        schedule: { at },
        ...extra,
      });
    await mk('Launch teaser', '2027-03-10T10:00:00Z', { tags: ['launch'], campaign: 'Spring' });
    await mk('Weekly tip', '2027-03-12T10:00:00Z');
    await mk('Next month', '2027-04-02T10:00:00Z');
    const month = await t.http.get(t.w('/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z'));
    expect(month.status, month.text).toBe(200);
    expect(month.body.entries).toHaveLength(4);
    // In time order (two deliveries at one time in no fixed order).
    expect(month.body.entries.map((e: { text: string }) => e.text).sort()).toEqual([
      'Launch teaser',
      'Launch teaser (B)',
      'Weekly tip',
      'Weekly tip (B)',
    ]);
    // Posts per local day (the workspace's zone, Berlin: 10:00 UTC is the same day), and pages.
    expect(month.body.days).toEqual([
      { day: '2027-03-10', count: 2 },
      { day: '2027-03-12', count: 2 },
    ]);
    expect(month.body.nextCursor).toBeNull();
    const page1 = await t.http.get(
      t.w('/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&limit=3'),
    );
    expect(page1.body.entries).toHaveLength(3);
    const page2 = await t.http.get(
      t.w(
        `/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&limit=3&cursor=${page1.body.nextCursor}`,
      ),
    );
    expect(page2.body).toMatchObject({ nextCursor: null, days: [], notes: [] });
    expect(
      [...page1.body.entries, ...page2.body.entries].map((e: { deliveryId: string }) => e.deliveryId),
    ).toEqual(month.body.entries.map((e: { deliveryId: string }) => e.deliveryId));
    const tokyo = await t.http.get(
      t.w('/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&timeZone=Pacific/Kiritimati'),
    );
    expect(tokyo.body.days.map((d: { day: string }) => d.day)).toEqual(['2027-03-11', '2027-03-13']);
    const filtered = await t.http.get(
      t.w(`/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&tag=launch&channelIds=${t.channel.b}`),
    );
    expect(filtered.body.entries.map((e: { text: string }) => e.text)).toEqual(['Launch teaser (B)']);
    expect(
      (await t.http.get(t.w('/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&campaign=Spring')))
        .body.entries,
    ).toHaveLength(2);
    expect(
      (await t.http.get(t.w('/calendar?from=2027-03-01T00:00:00Z&to=2027-06-01T00:00:00Z'))).status,
    ).toBe(400);

    const note = await t.http.post(t.w('/calendar/notes'), {
      startsOn: '2027-03-15',
      endsOn: '2027-03-16',
      kind: 'launch',
      title: 'Spring launch',
    });
    expect(note.status, note.text).toBe(201);
    const bad = await t.http.post(t.w('/calendar/notes'), { startsOn: '2027-02-30', title: 'Nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('2027-02-30');
    expect(
      (await t.http.get(t.w('/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z'))).body.notes,
    ).toEqual([
      expect.objectContaining({ title: 'Spring launch', startsOn: '2027-03-15', endsOn: '2027-03-16' }),
    ]);
    expect(
      (await t.http.get(t.w('/calendar?from=2027-04-01T00:00:00Z&to=2027-05-01T00:00:00Z'))).body.notes,
    ).toEqual([]);

    expect(month.body.entries.map((e: { dueAt: string }) => e.dueAt)).toEqual([
      '2027-03-10T10:00:00.000Z',
      '2027-03-10T10:00:00.000Z',
      '2027-03-12T10:00:00.000Z',
      '2027-03-12T10:00:00.000Z',
    ]);
    // Publish the teaser to channel a, then try to drag it: refused; the waiting one on b moves.
    const teaser = month.body.entries.find((e: { text: string }) => e.text === 'Launch teaser');
    const teaserB = month.body.entries.find((e: { text: string }) => e.text === 'Launch teaser (B)');
    clock.set(new Date('2027-03-10T10:00:01Z'));
    expect(await h.services.deliveryEngine.run(teaser.deliveryId)).toBe('published');
    clock.set(new Date('2027-03-01T09:00:00Z'));
    const refused = await t.http.post(t.w(`/deliveries/${teaser.deliveryId}/reschedule`), {
      at: '2027-03-11T10:00:00Z',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('published');
    const ok = await t.http.post(t.w(`/deliveries/${teaserB.deliveryId}/reschedule`), {
      at: '2027-03-11T10:00:00Z',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(publishJobs().at(-1)?.at?.toISOString()).toBe('2027-03-11T10:00:00.000Z');
  });

  it('serves a secret iCal feed of scheduled posts that stops when revoked or when the person leaves', async () => {
    const t = await setup('ical', ['a']);
    await t.http.post(t.w('/posts'), {
      body: 'Line one, with a comma; and a semicolon\nline two',
      title: 'Launch; day',
      channels: [{ channelId: t.channel.a }],
      schedule: { at: '2027-03-05T10:00:00Z' },
    });
    expect((await t.http.get(t.w('/calendar/feed'))).body.feed).toBeNull();
    const created = await t.http.post(t.w('/calendar/feed'), {});
    expect(created.status, created.text).toBe(201);
    const path = new URL(created.body.url).pathname;
    const anonymous = h.client();
    const feed = await anonymous.get(path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    expect(feed.text).toContain('BEGIN:VCALENDAR\r\n');
    expect(feed.text).toContain('DTSTART:20270305T100000Z\r\n');
    expect(feed.text).toContain('SUMMARY:[ical-a] Launch\\; day\r\n');
    const unfolded = feed.text.replace(/\r\n /g, '');
    expect(unfolded).toContain('Line one\\, with a comma\\; and a semicolon\\nline two');
    for (const line of feed.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect((await t.http.get(t.w('/calendar/feed'))).body.feed.lastReadAt).not.toBeNull();

    const again = await t.http.post(t.w('/calendar/feed'), {});
    expect((await anonymous.get(path)).status).toBe(404); // the old address stopped working
    const newPath = new URL(again.body.url).pathname;
    expect((await anonymous.get(newPath)).status).toBe(200);
    expect((await anonymous.get('/api/v1/calendar-feeds/not-a-real-secret-at-all-000.ics')).status).toBe(404);

    // Another member's feed stops when they leave the workspace.
    const m = await h.member(t.workspaceId, 'analyst');
    const theirs = await m.http.post(t.w('/calendar/feed'), {});
    expect(theirs.status).toBe(201);
    const theirPath = new URL(theirs.body.url).pathname;
    expect((await anonymous.get(theirPath)).status).toBe(200);
    const removed = await t.http.delete(t.w(`/members/${m.user.id}`));
    expect(removed.status, removed.text).toBe(204);
    expect((await anonymous.get(theirPath)).status).toBe(404);

    expect((await t.http.delete(t.w('/calendar/feed'))).status).toBe(204);
    expect((await anonymous.get(newPath)).status).toBe(404);
  });

  it('puts a published evergreen post back into its queue once, until the category’s expiry', async () => {
    const t = await setup('green', ['a']);
    const evergreen = (
      await t.http.post(t.w('/categories'), { name: 'Classics', evergreen: true, evergreenDays: 30 })
    ).body.category.id;
    await t.http.put(t.w(`/channels/${t.channel.a}/queue`), {
      timeZone: 'UTC',
      slots: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, time: '12:00' })),
    });
    const post = (
      await t.http.post(t.w('/posts'), {
        body: 'Our most-read guide',
        tags: ['guide'],
        channels: [{ channelId: t.channel.a }],
        categoryId: evergreen,
        schedule: { queue: true },
      })
    ).body.post;
    publishJobs();
    clock.set(new Date('2027-03-01T12:00:01Z'));
    expect(await h.services.deliveryEngine.run(post.deliveries[0].id)).toBe('published');
    const evergreenJobs = h.queuedJobs.filter((j) => j.name === 'queues.evergreen.v1');
    expect(evergreenJobs).toHaveLength(1);
    const [first] = await h.runQueuedJobs('queues.evergreen.v1');
    expect(first).toBe('queued');
    // The same job again (a retry, a repeated event) makes no second copy.
    expect(await h.services.evergreen.repeat(post.deliveries[0].id)).toBe('skipped');
    const copies = (await t.http.get(t.w('/posts?tag=guide'))).body.posts;
    expect(copies).toHaveLength(2);
    const copy = copies.find((p: { id: string }) => p.id !== post.id);
    expect(copy).toMatchObject({ body: 'Our most-read guide', categoryId: evergreen, status: 'scheduled' });
    expect(copy.deliveries[0]).toMatchObject({ queued: true, dueAt: '2027-03-02T12:00:00.000Z' });

    // Past the category's 30 days (counted from the first post of the chain), a published copy does not
    // come back.
    publishJobs();
    clock.set(new Date('2027-04-02T12:00:01Z'));
    expect(await h.services.deliveryEngine.run(copy.deliveries[0].id)).toBe('published');
    expect(await h.runQueuedJobs('queues.evergreen.v1')).toEqual(['expired']);
    await t.http.login(t.email); // a month later: a new session
    expect((await t.http.get(t.w('/posts?tag=guide'))).body.posts).toHaveLength(2);
    clock.set(new Date('2027-03-01T09:00:00Z'));
  });
});
