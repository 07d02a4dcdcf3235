import { describe, expect, it } from 'vitest';
import { capabilitiesOf, validateAgainstLimits } from '../contract.js';
import { mastodonNetwork } from './index.js';
import { failure, json, useStandIn } from './test-support/harness.js';
import { GOOD_TOKEN, fixture } from './test-support/stand-in.js';
import { parseMultipart } from './test-support/wire.js';

/**
 * The Mastodon adapter against a loopback stand-in that answers as the documented REST API does
 * (test-support/stand-in.ts, fixtures/): definition, limits and publishing, asserting the exact requests sent.
 * Errors: mastodon-errors.test.ts; inbox, search, profile, metrics: mastodon-reading.test.ts.
 */
const t = useStandIn();
const STATUS_ID = fixture('status').id as string;

describe('mastodon definition', () => {
  it('declares what the adapter exposes, with Mastodon defaults as limits', () => {
    const a = t.adapter();
    expect(capabilitiesOf(a)).toEqual(mastodonNetwork.capabilities);
    expect(a.metadata).toMatchObject({ id: 'mastodon', verification: 'fixtures' });
    expect(a.metadata.auth.kind).toBe('access_token');
    expect(a.metadata.auth.fields.map((f) => [f.name, f.secret])).toEqual([
      ['instance', false],
      ['accessToken', true],
    ]);
    expect(a.limits.text.max).toBe(500);
    expect(a.limits.media).toMatchObject({ maxItems: 4, maxBytes: 16 * 1024 * 1024 });
    expect(a.limits.media.types).toEqual(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4']);
    expect(a.limits.rate).toEqual([{ requests: 300, perSeconds: 300, scope: 'channel' }]);
  });

  it('parses a credential: https (http for loopback only), strict, with advice', () => {
    const parse = mastodonNetwork.parseCredential;
    expect(parse({ instance: 'mastodon.social/about', accessToken: GOOD_TOKEN })).toEqual({
      instance: 'https://mastodon.social',
      accessToken: GOOD_TOKEN,
    });
    expect(parse({ instance: t.standIn.url, accessToken: GOOD_TOKEN }).instance).toBe(t.standIn.url);
    expect(() => parse({ instance: 'http://mastodon.social', accessToken: GOOD_TOKEN })).toThrow(
      /https:\/\//,
    );
    expect(() => parse({ instance: 'https://a.example', accessToken: 'short' })).toThrow(
      /Preferences → Development/,
    );
    expect(() => parse({ instance: 'https://a.example', accessToken: GOOD_TOKEN, extra: 1 })).toThrow();
  });

  it('counts as Mastodon does: every link 23, remote mentions by username, graphemes', () => {
    const count = t.adapter().limits.text.count;
    const url = `https://example.com/${'a'.repeat(280)}`;
    expect(url.length).toBe(300);
    expect(count(url)).toBe(23);
    expect(count(`see ${url}.`)).toBe(4 + 23 + 1);
    expect(count('http://a.example and https://b.example/x')).toBe(23 + 5 + 23);
    expect(count('@alice@example.social hi')).toBe('@alice hi'.length);
    expect(count('héllo 👩‍👩‍👧')).toBe(7);
  });
});

describe('mastodon limits', () => {
  it("reads the server's own limits on first use and enforces them", async () => {
    const statuses = t.standIn.instance.configuration.statuses;
    statuses.max_characters = 100;
    try {
      const a = t.adapter();
      expect(a.limits.text.max).toBe(500);
      await a.checkHealth();
      expect(a.limits.text.max).toBe(100);
      expect(a.limits.media.types).toContain('video/quicktime');
      expect(a.limits.media.maxBytes).toBe(10485760);
      // The registry runs this check before publishing once it knows 'mastodon'.
      expect(validateAgainstLimits(a.limits, { text: 'x'.repeat(150) })[0]?.message).toMatch(/limit is 100/);
      const from = t.mark();
      const err = await failure(
        t.adapter().publisher!.publish({ idempotencyKey: 'long', text: 'x'.repeat(150) }),
      );
      expect(err.kind).toBe('invalid_content');
      expect(t.after(from).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/instance']);
    } finally {
      statuses.max_characters = 500;
    }
  });
});

describe('mastodon publishing', () => {
  it('creates a status with the exact request Mastodon documents', async () => {
    const from = t.mark();
    const result = await t.adapter().publisher!.publish({
      idempotencyKey: 'key-1',
      text: 'Hello fediverse',
      options: {
        visibility: 'unlisted',
        spoilerText: 'launch',
        language: 'de',
        poll: { options: ['yes', 'no'], expiresIn: 3600, multiple: true },
      },
    });
    const [instance, post] = t.after(from);
    expect(instance!.headers.authorization).toBeUndefined();
    expect(post!.method).toBe('POST');
    expect(post!.path).toBe('/api/v1/statuses');
    expect(post!.headers).toMatchObject({
      authorization: `Bearer ${GOOD_TOKEN}`,
      'idempotency-key': 'key-1',
      'content-type': 'application/json',
    });
    expect(json(post)).toEqual({
      status: 'Hello fediverse',
      visibility: 'unlisted',
      spoiler_text: 'launch',
      language: 'de',
      poll: { options: ['yes', 'no'], expires_in: 3600, multiple: true },
    });
    expect(result.url).toBe(`${t.standIn.url}/@acme/${result.remoteId}`);
  });

  it('publishes a thread as a reply chain, one idempotency key per part, and a retry duplicates nothing', async () => {
    const request = {
      idempotencyKey: 'thr',
      text: 'one',
      thread: ['two', 'three'],
      options: { visibility: 'private' },
    };
    const from = t.mark();
    const result = await t.adapter().publisher!.publish(request);
    const posts = t.after(from, 'POST /api/v1/statuses');
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual(['thr', 'thr:1', 'thr:2']);
    const bodies = posts.map(json);
    expect(bodies.map((b) => b.in_reply_to_id)).toEqual([undefined, result.remoteId, expect.any(String)]);
    expect(bodies[2].in_reply_to_id).not.toBe(result.remoteId);
    expect(bodies.every((b) => b.visibility === 'private')).toBe(true);
    const created = t.standIn.created.length;
    expect((await t.adapter().publisher!.publish(request)).remoteId).toBe(result.remoteId);
    expect(t.standIn.created.length).toBe(created);
  });

  it('uploads media first as multipart form data, with alt text and focus', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    const from = t.mark();
    await t.adapter().publisher!.publish({
      idempotencyKey: 'media',
      text: 'with pictures',
      media: [
        { mimeType: 'image/png', bytes: png, altText: 'A red square on white' },
        { mimeType: 'image/gif', bytes: new Uint8Array([0x47, 0x49, 0x46]) },
      ],
      options: { focus: { x: 0.5, y: -0.25 } },
    });
    const uploads = t.after(from, 'POST /api/v2/media');
    expect(uploads).toHaveLength(2);
    expect(uploads[0]!.headers.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
    expect(uploads[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const fields = parseMultipart(uploads[0]!.body, String(uploads[0]!.headers['content-type']));
    expect(fields.map((f) => f.name)).toEqual(['file', 'description', 'focus']);
    expect(fields[0]).toMatchObject({ filename: 'media-1.png', contentType: 'image/png' });
    expect(new Uint8Array(fields[0]!.data)).toEqual(png);
    expect(fields[1]!.data.toString('utf8')).toBe('A red square on white');
    expect(fields[2]!.data.toString('utf8')).toBe('0.5,-0.25');
    const second = parseMultipart(uploads[1]!.body, String(uploads[1]!.headers['content-type']));
    expect(second.map((f) => [f.name, f.contentType])).toEqual([
      ['file', 'image/gif'],
      ['focus', undefined],
    ]);
    const post = t.after(from, 'POST /api/v1/statuses')[0];
    expect(json(post).media_ids).toHaveLength(2);
  });

  it('waits for media Mastodon is still processing (202) before posting', async () => {
    t.standIn.state.asyncMedia = true;
    try {
      const from = t.mark();
      const media = [{ mimeType: 'video/mp4', bytes: new Uint8Array(8) }];
      await t.adapter().publisher!.publish({ idempotencyKey: 'video', text: 'clip', media });
      expect(t.after(from).map((r) => r.method + ' ' + r.path.replace(/\d+$/, ':id'))).toEqual([
        'GET /api/v2/instance',
        'POST /api/v2/media',
        'GET /api/v1/media/:id',
        'POST /api/v1/statuses',
      ]);
    } finally {
      t.standIn.state.asyncMedia = false;
    }
  });

  it('refuses options Mastodon would refuse, before posting', async () => {
    const publish = (options: Record<string, unknown>, media = false) =>
      failure(
        t.adapter().publisher!.publish({
          idempotencyKey: 'bad',
          text: 'x'.repeat(450),
          ...(media ? { media: [{ mimeType: 'image/png', bytes: new Uint8Array(4) }] } : {}),
          options,
        }),
      );
    const from = t.mark();
    expect((await publish({ visibility: 'friends' })).kind).toBe('invalid_content');
    expect((await publish({ spoilerText: 'y'.repeat(60) })).message).toMatch(/content warning/);
    expect((await publish({ poll: { options: ['a', 'b'], expiresIn: 600 } }, true)).message).toMatch(
      /not both/,
    );
    expect(t.after(from, 'POST')).toEqual([]);
  });

  it('reads a status back as text and deletes it', async () => {
    const a = t.adapter();
    const fromFixture = await a.publisher!.readBack!(STATUS_ID);
    expect(fromFixture!.text).toBe(
      '"I lost my inheritance with one wrong digit on my sort code"\n\nhttps://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code',
    );
    const text = `It's <b> & "quoted"\nsecond line\n\nhttps://example.com/${'p'.repeat(40)} #Chorus`;
    const { remoteId } = await a.publisher!.publish({ idempotencyKey: 'rb', text });
    expect((await a.publisher!.readBack!(remoteId!))?.text).toBe(text);
    const from = t.mark();
    await a.publisher!.delete!(remoteId!);
    expect(t.api(from).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /api/v1/statuses/${remoteId}`]);
    expect(await a.publisher!.readBack!(remoteId!)).toBeNull();
    await expect(a.publisher!.delete!(remoteId!)).resolves.toBeUndefined();
  });
});
