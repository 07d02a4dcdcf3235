import { describe, expect, it } from 'vitest';
import { compareIds } from './text.js';
import { json, useStandIn } from './test-support/harness.js';
import { GOOD_TOKEN, REVOKED_TOKEN, fixture } from './test-support/stand-in.js';

/** The Mastodon adapter's inbox, search, profile, metrics and health check against the loopback stand-in. */
const t = useStandIn();
const STATUS_ID = fixture('status').id as string;

describe('mastodon inbox', () => {
  it('reads mentions newest-first from the wire, oldest first out, replies told apart', async () => {
    const from = t.mark();
    const page = await t.adapter().inbox!.fetchSince(null);
    const request = t.after(from, 'GET /api/v1/notifications')[0]!;
    expect(request.query.getAll('types[]')).toEqual(['mention']);
    expect(request.query.get('since_id')).toBeNull();
    expect(page.items.map((i) => [i.remoteId, i.kind, i.author.handle])).toEqual([
      ['103186126728896492', 'reply', 'zsc@mastodon.social'],
      ['103186200000000001', 'mention', 'haskal@cybre.space'],
    ]);
    expect(page.items[0]!.parentRemoteId).toBe('103186038209478945');
    expect(page.items[1]!.text).toBe("@trwnh can we talk privately? it's about the <config>");
    expect(page.cursor).toBe('100000012');
  });

  it('returns only what is newer than the cursor, and nothing on a re-poll', async () => {
    const inbox = t.adapter().inbox!;
    const from = t.mark();
    const page = await inbox.fetchSince('34975861');
    expect(t.after(from, 'GET /api/v1/notifications')[0]!.query.get('since_id')).toBe('34975861');
    expect(page.items.map((i) => i.remoteId)).toEqual(['103186200000000001']);
    expect(page.cursor).toBe('100000012');
    expect(await inbox.fetchSince(page.cursor)).toEqual({ items: [], cursor: '100000012' });
    expect(compareIds('100000012', '99999999')).toBeGreaterThan(0);
  });

  it('replies in the thread, mentioning the author, as private as the question', async () => {
    const inbox = t.adapter().inbox!;
    const [reply, dm] = (await inbox.fetchSince(null)).items;
    const from = t.mark();
    await inbox.reply(dm!, 'Sure, write me here.', 'answer-1');
    await inbox.reply(reply!, '@zsc thanks!', 'answer-2');
    const [first, second] = t.after(from, 'POST /api/v1/statuses');
    expect(first!.headers['idempotency-key']).toBe('answer-1');
    expect(json(first)).toEqual({
      status: '@haskal@cybre.space Sure, write me here.',
      in_reply_to_id: '103186200000000001',
      visibility: 'direct',
    });
    expect(json(second)).toEqual({ status: '@zsc thanks!', in_reply_to_id: '103186126728896492' });
  });
});

describe('mastodon search, profile, metrics, health', () => {
  it('searches a hashtag through its timeline and anything else through search', async () => {
    const search = t.adapter().search!;
    const from = t.mark();
    const tagged = await search.posts('#Chorus');
    const words = await search.posts('cats dogs', { cursor: '103254962155278889', limit: 5 });
    const [tag, text] = t.api(from);
    expect(`${tag!.path}?${tag!.query}`).toBe('/api/v1/timelines/tag/Chorus?limit=20');
    expect(`${text!.path}?${text!.query}`).toBe(
      '/api/v2/search?q=cats+dogs&type=statuses&limit=5&max_id=103254962155278889',
    );
    expect(tagged.hits[0]).toMatchObject({
      remoteId: '103254962155278888',
      text: 'cats & dogs',
      author: { handle: 'trwnh@mastodon.social', displayName: 'infinite love ⴳ' },
      metrics: { likes: 3, reposts: 2, replies: 1, quotes: 0 },
    });
    expect(words.cursor).toBeNull();
  });

  it('reads profiles by lookup, resolving unknown remote accounts through search', async () => {
    const profile = t.adapter().profile!;
    expect(await profile.get('@Gargron')).toMatchObject({ followers: 322930, following: 459, posts: 61323 });
    const from = t.mark();
    expect(await profile.get('@noiob@awoo.space')).toEqual({
      id: '23634',
      handle: 'noiob@awoo.space',
      displayName: 'ikea shark fan account',
      followers: 547,
      following: 404,
      posts: 28468,
    });
    const [lookup, resolve] = t.api(from);
    expect(`${lookup!.path}?${lookup!.query}`).toBe('/api/v1/accounts/lookup?acct=noiob%40awoo.space');
    expect(resolve!.query.get('resolve')).toBe('true');
  });

  it('reads metrics per status, leaving out those gone', async () => {
    expect(await t.adapter().metrics!.posts([STATUS_ID, '1'])).toEqual({
      [STATUS_ID]: { likes: 11, reposts: 6, replies: 5, quotes: 0 },
    });
  });

  it('checks health as @username@domain, and keeps the token out of logs', async () => {
    expect(await t.adapter().checkHealth()).toMatchObject({ ok: true, account: '@acme@mastodon.social' });
    const logs = t.env.logLines.join('\n');
    expect(logs).toContain('mastodon request');
    expect(logs).not.toContain(GOOD_TOKEN);
    expect(logs).not.toContain(REVOKED_TOKEN);
    expect(t.env.violations).toEqual([]);
  });
});
