import { readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TEST_TOKEN } from '../../src/networks/telegram/test-support/contract-env.js';
import { readMultipart, startBotApiStandIn } from '../../src/networks/telegram/test-support/stand-in.js';
import { MediaRepository } from '../../src/modules/media/media.repository.js';
import { MediaService } from '../../src/modules/media/media.service.js';
import type { MediaStorage } from '../../src/modules/media/storage.js';
import { FileMediaStorage } from '../../src/modules/media/storage-file.js';
import { TEST_TARGETS } from '../support/databases.js';
import { CapturingMailer, createHarness, type Harness } from '../support/harness.js';
import { image, movie, noisyPng } from '../support/media-files.js';
import { startReceiver } from '../support/receiver.js';
import { startS3 } from '../support/s3.js';

/**
 * The media library through the API on both databases: streamed uploads sniffed by content and limited
 * while they arrive, thumbnails, video duration, search, tags, authorization of every route and file,
 * path traversal, limits per network when scheduling, and the publishing engine sending the bytes to a
 * loopback Telegram Bot API stand-in.
 */
const MAX = 300_000;

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

describe.each(TEST_TARGETS)('media library on %s', (target) => {
  const clock = new ManualClock(new Date('2027-05-01T08:00:00Z'));
  let h: Harness;
  let t: Awaited<ReturnType<Harness['tenant']>>;
  let bot: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let web: Awaited<ReturnType<typeof startReceiver>>;
  let png: Buffer;
  let mediaDir: string;
  const base = () => `/api/v1/workspaces/${t.workspaceId}/media`;

  beforeAll(async () => {
    h = await createHarness(target, {
      clock,
      mailer: new CapturingMailer(),
      // JSON bodies are limited to 64 KiB here; uploads have their own limit (MEDIA_MAX_BYTES).
      env: { EGRESS_ALLOW_PRIVATE: 'true', MEDIA_MAX_BYTES: String(MAX), MAX_BODY_BYTES: '65536' },
    });
    h.secrets.add(TEST_TOKEN);
    mediaDir = path.join(h.config.dataDir, 'media');
    t = await h.tenant('media');
    bot = await startBotApiStandIn();
    png = await image('png', 640, 480);
    web = await startReceiver((req, res) => {
      if (req.path === '/hook') return void res.writeHead(200).end('{}');
      if (req.path === '/files/poster.png')
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (req.path === '/files/notes.jpg')
        return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end('not a picture');
      if (req.path === '/files/huge.png') return void res.writeHead(200).end(Buffer.alloc(MAX + 10));
      res.writeHead(404).end();
    });
  });
  afterAll(async () => {
    await bot.close();
    await web.close();
    await h.assertNothingLeaked();
    await h.close();
  });

  async function upload(
    bytes: Uint8Array,
    query = '',
    client = t.http,
    headers: Record<string, string> = {},
    workspaceId = t.workspaceId,
  ) {
    return client.raw('POST', `/api/v1/workspaces/${workspaceId}/media${query}`, {
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', ...headers },
    });
  }

  async function telegramChannel(name: string) {
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'telegram',
      name,
      credential: { botToken: TEST_TOKEN, chatId: '@acme_news', apiBase: bot.url },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.channel.id as string;
  }

  it('stores a PNG named .gif as a PNG, with its size, alt text, tags and a WebP thumbnail', async () => {
    const res = await upload(
      png,
      '?filename=holiday.gif&alt=Our%20office&tags=Office,%20Team,office',
      t.http,
      {
        'content-type': 'image/gif',
      },
    );
    expect(res.status, res.text).toBe(201);
    const asset = res.body.asset;
    expect(asset).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      bytes: png.length,
      width: 640,
      height: 480,
      durationSeconds: null,
      filename: 'holiday.gif',
      alt: 'Our office',
      tags: ['office', 'team'],
      createdBy: t.user.id,
      fileUrl: `${base()}/${asset.id}/file`,
      thumbnailUrl: `${base()}/${asset.id}/thumbnail`,
    });
    const file = await t.http.get(asset.fileUrl);
    expect(file.status).toBe(200);
    expect(file.bytes!.equals(png)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toBe(
      `inline; filename="holiday.gif"; filename*=UTF-8''holiday.gif`,
    );
    expect(file.headers.get('content-security-policy')).toMatch(/^default-src 'none';.*sandbox/);
    const thumb = await t.http.get(asset.thumbnailUrl);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(thumb.headers.get('accept-ranges')).toBeNull();
    const meta = await sharp(thumb.bytes!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 240]);
    const download = await t.http.get(`${asset.fileUrl}?download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="holiday.gif"/);
    expect(filesUnder(mediaDir).sort()).toEqual([`original/${asset.id}`, `thumbnail/${asset.id}`].sort());
    await expectRanges(t.http, asset.fileUrl, png);
  });

  it('takes uploads larger than the JSON body limit, up to MEDIA_MAX_BYTES', async () => {
    const noisy = await noisyPng(200, 200);
    expect(noisy.length).toBeGreaterThan(65536);
    const res = await upload(noisy, '?filename=noise.png');
    expect(res.status, res.text).toBe(201);
    expect(res.body.asset).toMatchObject({ bytes: noisy.length, width: 200, height: 200 });
    const json = await t.http.post(`${base()}/check`, { channels: [], padding: 'x'.repeat(70_000) });
    expect(json.status).toBe(413);
  });

  it('refuses a .jpg that is text, an SVG and an empty body, storing nothing', async () => {
    const before = filesUnder(mediaDir);
    const text = await upload(Buffer.from('Dear diary, today I uploaded a text file.'), '?filename=cat.jpg');
    expect(text.status).toBe(415);
    expect(text.body.error.message).toMatch(
      /^"cat\.jpg" cannot go in the media library: .*Upload JPEG, PNG, GIF or WebP images, or MP4 or MOV video/,
    );
    const svg = await upload(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
      '?filename=logo.png',
    );
    expect(svg.status).toBe(415);
    const empty = await upload(Buffer.alloc(0), '?filename=nothing.png');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/empty/);
    expect(filesUnder(mediaDir)).toEqual(before);
  });

  it('reads the duration of an MP4 and a MOV from their movie header', async () => {
    const mp4 = await upload(
      movie({ seconds: 42.5, moovLast: true, mediaBytes: 20_000 }),
      '?filename=clip.mp4',
    );
    expect(mp4.status, mp4.text).toBe(201);
    expect(mp4.body.asset).toMatchObject({
      kind: 'video',
      mimeType: 'video/mp4',
      durationSeconds: 42.5,
      width: null,
      thumbnailUrl: null,
    });
    const mov = await upload(movie({ seconds: 3, brand: 'qt  ', version: 1 }), '?filename=phone.mov');
    expect(mov.body.asset).toMatchObject({ mimeType: 'video/quicktime', durationSeconds: 3 });
    const thumb = await t.http.get(`${base()}/${mp4.body.asset.id}/thumbnail`);
    expect(thumb.status).toBe(404);
    expect(thumb.body.error.message).toMatch(/no thumbnail/);
  });

  it('stops an upload over MEDIA_MAX_BYTES while it streams: 413, nothing stored, nothing recorded', async () => {
    const before = filesUnder(mediaDir);
    const listed = (await t.http.get(base())).body.assets.length;
    const created = await t.http.post('/api/v1/tokens', {
      name: 'uploader',
      workspaceIds: [t.workspaceId],
      permissions: ['media.manage', 'media.read'],
    });
    const token = { secret: created.body.secret as string };
    h.secrets.add(token.secret);
    let sent = 0;
    let pulled = 0;
    const head = await image('png', 8, 8);
    // A PNG header, then 4 KiB chunks with no end announced (no Content-Length): only counting stops it.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        const chunk = pulled === 1 ? head : new Uint8Array(4096);
        sent += chunk.length;
        if (sent > MAX * 4) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await h.app.request(`${base()}?filename=big.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.secret}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const error = (await res.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('payload_too_large');
    expect(error.error.message).toMatch(/larger than 300 kB.*MEDIA_MAX_BYTES/);
    // It stopped reading soon after the limit, not at the end of the body.
    expect(sent).toBeLessThan(MAX + 64 * 1024);
    expect(filesUnder(mediaDir)).toEqual(before);
    expect((await t.http.get(base())).body.assets).toHaveLength(listed);

    const declared = await upload(png, '?filename=x.png', t.http, { 'content-length': String(MAX + 1) });
    expect(declared.status).toBe(413);
  });

  it('never lets a file name or id reach the file system', async () => {
    const res = await upload(png, '?filename=..%2F..%2F..%2Fetc%2Fpasswd');
    expect(res.status, res.text).toBe(201);
    expect(res.body.asset.filename).toBe('passwd');
    const viaHeader = await upload(png, '', t.http, {
      'x-filename': encodeURIComponent('..\\..\\%2e%2e\\boot.ini'),
    });
    expect(viaHeader.body.asset.filename).toBe('%2e%2e\\boot.ini'.split('\\').pop());
    for (const f of filesUnder(mediaDir)) expect(f).toMatch(/^(original|thumbnail)\/[0-9a-f-]{36}$/);
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'not-a-uuid', '..']) {
      const r = await t.http.get(`${base()}/${id}/file`);
      expect(r.status, `${id}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.text).not.toMatch(/root:|\[boot loader\]/);
    }
    const bad = await t.http.get(`${base()}/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/path\.mediaId/);
  });

  it('lists newest first with search over names, alt text and tags, a tag filter, and pages', async () => {
    const other = await h.tenant('media-search');
    const up = async (name: string, query: string) => {
      const r = await upload(png, `?filename=${name}&${query}`, other.http, {}, other.workspaceId);
      expect(r.status, r.text).toBe(201);
      clock.advance(1000);
      return r.body.asset.id as string;
    };
    const beach = await up('beach.png', 'alt=Sunset%20at%20the%20pier&tags=summer,travel');
    const team = await up('team.png', 'alt=The%20whole%20team&tags=office');
    const logo = await up('logo_100%25.png', 'tags=brand,summer');
    const list = (q: string) =>
      other.http.get(`/api/v1/workspaces/${other.workspaceId}/media${q}`).then((r) => {
        expect(r.status, r.text).toBe(200);
        return r.body;
      });
    const ids = (body: { assets: { id: string }[] }) => body.assets.map((a) => a.id);
    const all = await list('');
    expect(ids(all)).toEqual([logo, team, beach]);
    expect(all.tags).toEqual([
      { tag: 'brand', count: 1 },
      { tag: 'office', count: 1 },
      { tag: 'summer', count: 2 },
      { tag: 'travel', count: 1 },
    ]);
    expect(ids(await list('?q=PIER'))).toEqual([beach]);
    expect(ids(await list('?q=team'))).toEqual([team]);
    expect(ids(await list('?q=travel'))).toEqual([beach]);
    expect(ids(await list('?q=100%25'))).toEqual([logo]);
    expect(ids(await list('?q=_'))).toEqual([logo]);
    expect(ids(await list('?tag=Summer'))).toEqual([logo, beach]);
    expect(ids(await list('?tag=summer&q=beach'))).toEqual([beach]);
    const first = await list('?limit=2');
    expect(ids(first)).toEqual([logo, team]);
    const second = await list(`?limit=2&before=${first.nextCursor}`);
    expect(ids(second)).toEqual([beach]);
    expect(second.nextCursor).toBeNull();
    expect(
      (await other.http.get(`/api/v1/workspaces/${other.workspaceId}/media?before=garbage`)).status,
    ).toBe(400);

    const patched = await other.http.patch(`/api/v1/workspaces/${other.workspaceId}/media/${team}`, {
      alt: '  Everyone at the spring offsite ',
      tags: ['Offsite', 'office', 'offsite'],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.asset).toMatchObject({
      alt: 'Everyone at the spring offsite',
      tags: ['offsite', 'office'],
    });
    expect(ids(await list('?q=spring'))).toEqual([team]);
    const unknown = await other.http.patch(`/api/v1/workspaces/${other.workspaceId}/media/${team}`, {
      mime: 'x',
    });
    expect(unknown.status).toBe(400);
  });

  it('serves and changes assets only for members with the permission; others see nothing', async () => {
    const mine = (await upload(png, '?filename=private.png')).body.asset;
    const intruder = await h.tenant('media-intruder');
    for (const [method, url] of [
      ['GET', `${base()}/${mine.id}`],
      ['GET', mine.fileUrl],
      ['GET', mine.thumbnailUrl],
      ['PATCH', `${base()}/${mine.id}`],
      ['DELETE', `${base()}/${mine.id}`],
      ['GET', base()],
    ] as const) {
      const r = await intruder.http.raw(method, url, method === 'PATCH' ? { json: { alt: 'mine now' } } : {});
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(r.text).not.toContain('PNG');
    }
    expect((await upload(png, '?filename=x.png', intruder.http)).status).toBe(404);

    const client = await h.member(t.workspaceId, 'client');
    expect((await client.http.get(mine.fileUrl)).status).toBe(200);
    const refused = await upload(png, '?filename=x.png', client.http);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/media\.manage/);
    expect((await client.http.delete(`${base()}/${mine.id}`)).status).toBe(403);
    expect((await client.http.patch(`${base()}/${mine.id}`, { alt: 'x' })).status).toBe(403);
    const editor = await h.member(t.workspaceId, 'editor');
    expect((await upload(png, '?filename=by-editor.png', editor.http)).status).toBe(201);

    const postsOnly = await t.http.post('/api/v1/tokens', {
      name: 'posts only',
      workspaceIds: [t.workspaceId],
      permissions: ['posts.read'],
    });
    const tokenClient = h.client();
    tokenClient.useToken(postsOnly.body.secret);
    h.secrets.add(postsOnly.body.secret);
    const scoped = await tokenClient.get(mine.fileUrl);
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.message).toMatch(/not scoped for media\.read/);

    const anonymous = h.client();
    for (const url of [mine.fileUrl, mine.thumbnailUrl, `${base()}/${mine.id}`, base()]) {
      expect((await anonymous.get(url)).status, url).toBe(401);
    }
    expect((await upload(png, '?filename=x.png', anonymous)).status).toBe(401);
    // A cookie-authenticated upload needs the CSRF header like every other change.
    const noCsrf = await upload(png, '?filename=x.png', t.http, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.status).toBe(403);
  });

  it('checks media against each channel without saving, and refuses a scheduled post that does not fit', async () => {
    const telegram = await telegramChannel('Telegram news');
    const hook = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/channels`, {
      network: 'webhook',
      name: 'Site hook',
      credential: { url: `${web.url}/hook`, secret: 'media-test-webhook-secret' },
    });
    expect(hook.status, hook.text).toBe(201);
    h.secrets.add('media-test-webhook-secret');
    const gif = (await upload(await image('gif'), '?filename=party.gif')).body.asset;
    const photo = (await upload(png, '?filename=photo.png')).body.asset;
    const check = await t.http.post(`${base()}/check`, {
      channels: [
        { channelId: telegram, media: [{ assetId: photo.id }, { assetId: gif.id }] },
        { channelId: hook.body.channel.id, media: [{ assetId: photo.id }] },
      ],
    });
    expect(check.status, check.text).toBe(200);
    expect(check.body).toEqual({
      ok: false,
      channels: [
        {
          channelId: telegram,
          channel: 'Telegram news',
          issues: [
            {
              index: 1,
              assetId: gif.id,
              message:
                'Telegram: image 2 (party.gif) is GIF; Telegram takes JPEG, PNG, WebP, MP4 — convert it or choose another.',
            },
          ],
        },
        {
          channelId: hook.body.channel.id,
          channel: 'Site hook',
          issues: [
            {
              index: null,
              assetId: null,
              message: 'Signed webhook takes no media: remove the attached item for this channel.',
            },
          ],
        },
      ],
    });
    const fine = await t.http.post(`${base()}/check`, {
      channels: [{ channelId: telegram, media: [{ assetId: photo.id }] }],
    });
    expect(fine.body).toMatchObject({ ok: true, channels: [{ issues: [] }] });

    const posts = `/api/v1/workspaces/${t.workspaceId}/posts`;
    const scheduled = await t.http.post(posts, {
      body: 'Party time',
      channels: [{ channelId: telegram, media: [{ assetId: gif.id }] }],
      schedule: { at: new Date(clock.now().getTime() + 3600_000).toISOString() },
    });
    expect(scheduled.status).toBe(400);
    expect(scheduled.body.error.message).toMatch(
      /^The media does not fit Telegram news: Telegram: image 1 \(party\.gif\) is GIF/,
    );
    expect(scheduled.body.error.details.issues[0]).toMatchObject({
      channelId: telegram,
      index: 0,
      assetId: gif.id,
    });
    // A draft may hold it: nothing is sent until it is scheduled, when it is checked again.
    const draft = await t.http.post(posts, {
      body: 'Party time',
      channels: [{ channelId: telegram, media: [{ assetId: gif.id, alt: 'Balloons' }] }],
    });
    expect(draft.status, draft.text).toBe(201);
    expect(draft.body.post.channels[0].media).toEqual([{ assetId: gif.id, alt: 'Balloons' }]);
    const schedule = await t.http.patch(`${posts}/${draft.body.post.id}`, { schedule: { at: 'now' } });
    expect(schedule.status).toBe(400);
    expect(schedule.body.error.message).toMatch(/party\.gif/);

    // Another workspace's asset is not in this library, scheduled or not.
    const elsewhere = await h.tenant('media-elsewhere');
    const foreign = (await upload(png, '?filename=theirs.png', elsewhere.http, {}, elsewhere.workspaceId))
      .body.asset;
    const stolen = await t.http.post(posts, {
      body: 'Borrowed',
      channels: [{ channelId: telegram, media: [{ assetId: foreign.id }] }],
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.message).toMatch(/is not in this workspace's media library/);
    const foreignCheck = await t.http.post(`${base()}/check`, {
      channels: [{ channelId: telegram, media: [{ assetId: foreign.id }] }],
    });
    expect(foreignCheck.status).toBe(400);
    // A post with only media and no text is not empty.
    const onlyMedia = await t.http.post(posts, {
      body: '',
      channels: [{ channelId: telegram, media: [{ assetId: photo.id }] }],
      schedule: { at: new Date(clock.now().getTime() + 3600_000).toISOString() },
    });
    expect(onlyMedia.status, onlyMedia.text).toBe(201);
  });

  it('sends the stored bytes with their alt text when the post goes out, and refuses deleting them before', async () => {
    const telegram = await telegramChannel('Telegram launch');
    const photo = (await upload(png, '?filename=launch.png&alt=Launch%20poster')).body.asset;
    const second = await image('jpeg', 300, 200);
    const jpeg = (await upload(second, '?filename=crowd.jpg')).body.asset;
    const posts = `/api/v1/workspaces/${t.workspaceId}/posts`;
    const at = new Date(clock.now().getTime() + 60_000).toISOString();
    const single = await t.http.post(posts, {
      body: 'We launched',
      channels: [{ channelId: telegram, media: [{ assetId: photo.id }] }],
      schedule: { at },
    });
    expect(single.status, single.text).toBe(201);
    const album = await t.http.post(posts, {
      body: 'The crowd',
      channels: [
        { channelId: telegram, media: [{ assetId: jpeg.id }, { assetId: photo.id, alt: 'Poster again' }] },
      ],
      schedule: { at },
    });
    expect(album.status, album.text).toBe(201);

    const refused = await t.http.delete(`${base()}/${photo.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /^"launch\.png" is used by 2 posts still to be published \(first: "We launched", scheduled, due .*\)\. Remove it from those posts or wait until they are sent, then delete it\.$/,
    );
    expect(filesUnder(mediaDir)).toContain(`original/${photo.id}`);

    bot.reset();
    clock.advance(60_000);
    await h.runQueuedJobs('deliveries.publish.v1');
    const byPath = (p: string) => bot.requests.filter((r) => r.path.endsWith(p));
    const [sendPhoto] = byPath('/sendPhoto');
    expect(sendPhoto, bot.requests.map((r) => r.path).join()).toBeDefined();
    expect(sendPhoto!.raw.includes(png)).toBe(true);
    const photoPart = readMultipart(sendPhoto!).parts.find((p) => p.name === 'photo');
    expect(photoPart).toMatchObject({ contentType: 'image/png', filename: 'file0.png' });
    const [group] = byPath('/sendMediaGroup');
    expect(group!.raw.includes(second)).toBe(true);
    expect(group!.raw.includes(png)).toBe(true);
    expect(group!.raw.indexOf(second)).toBeLessThan(group!.raw.indexOf(png));
    for (const id of [single.body.post.id, album.body.post.id]) {
      const post = (await t.http.get(`${posts}/${id}`)).body.post;
      expect(post.status, JSON.stringify(post.deliveries)).toBe('published');
    }

    // Sent: the asset may go now, files and all.
    const removed = await t.http.delete(`${base()}/${photo.id}`);
    expect(removed.status, removed.text).toBe(204);
    expect(filesUnder(mediaDir)).not.toContain(`original/${photo.id}`);
    expect(filesUnder(mediaDir)).not.toContain(`thumbnail/${photo.id}`);
    expect((await t.http.get(`${base()}/${photo.id}`)).status).toBe(404);
  });

  it('fails a delivery whose media left the library, without sending anything', async () => {
    const telegram = await telegramChannel('Telegram gone');
    const photo = (await upload(png, '?filename=vanishing.png')).body.asset;
    const res = await t.http.post(`/api/v1/workspaces/${t.workspaceId}/posts`, {
      body: 'Now you see it',
      channels: [{ channelId: telegram, media: [{ assetId: photo.id }] }],
      schedule: { at: 'now' },
    });
    expect(res.status, res.text).toBe(201);
    // Removed behind the library's back (the API refuses it while the post waits).
    await h.database.db.deleteFrom('media_assets').where('id', '=', photo.id).execute();
    bot.reset();
    await h.runQueuedJobs('deliveries.publish.v1');
    expect(bot.requests).toHaveLength(0);
    const post = (await t.http.get(`/api/v1/workspaces/${t.workspaceId}/posts/${res.body.post.id}`)).body
      .post;
    expect(post.deliveries[0]).toMatchObject({ state: 'failed', errorKind: 'invalid_content' });
    expect(post.deliveries[0].reason).toMatch(
      /Media 1 is no longer in the media library.*Nothing was sent to Telegram gone/,
    );
  });

  it('reads at most 8 files from the store at once for a batch, once per file in flight', async () => {
    const other = await h.tenant('media-batch');
    const originals: Buffer[] = [];
    const uses: { assetId: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const bytes = await image('png', 20 + i, 20);
      const r = await upload(bytes, `?filename=b${i}.png`, other.http, {}, other.workspaceId);
      expect(r.status, r.text).toBe(201);
      originals.push(bytes);
      uses.push({ assetId: r.body.asset.id });
    }
    // The real store, watched: how many reads run at once, and how many there are per file.
    const store = new FileMediaStorage(mediaDir);
    let active = 0;
    let most = 0;
    const reads = new Map<string, number>();
    const watched: MediaStorage = {
      kind: 'file',
      put: (k, b) => store.put(k, b),
      open: (k, r) => store.open(k, r),
      delete: (k) => store.delete(k),
      exists: (k) => store.exists(k),
      async read(key) {
        active++;
        most = Math.max(most, active);
        reads.set(key, (reads.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 15));
        try {
          return await store.read(key);
        } finally {
          active--;
        }
      },
    };
    const service = new MediaService({
      repo: new MediaRepository(h.database.db),
      storage: watched,
      audit: h.services.audit,
      clock,
      logger: h.services.logger,
      maxBytes: MAX,
      egress: { allowPrivate: true },
      channel: () => Promise.reject(new Error('not used')),
    });
    // 20 deliveries, each sending all 12 files, starting at different files.
    const loaded = await Promise.all(
      Array.from({ length: 20 }, (_, d) =>
        service.loadForPublish(other.workspaceId, [...uses.slice(d % 12), ...uses.slice(0, d % 12)]),
      ),
    );
    expect(most).toBe(8);
    for (const [d, items] of loaded.entries()) {
      expect(items).toHaveLength(12);
      items.forEach((item, i) => {
        const original = originals[(i + d) % 12]!;
        expect(Buffer.from(item.bytes).equals(original)).toBe(true);
        expect(item.mimeType).toBe('image/png');
      });
    }
    const total = [...reads.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(20 * 12);
  });

  it('imports from a URL through the egress guard: sniffed, limited, named after the path', async () => {
    const ok = await t.http.post(`${base()}/import`, {
      url: `${web.url}/files/poster.png`,
      alt: 'Poster',
      tags: ['web'],
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.asset).toMatchObject({
      mimeType: 'image/png',
      filename: 'poster.png',
      alt: 'Poster',
      tags: ['web'],
      sourceUrl: `${web.url}/files/poster.png`,
      width: 640,
    });
    const text = await t.http.post(`${base()}/import`, { url: `${web.url}/files/notes.jpg` });
    expect(text.status).toBe(415);
    const huge = await t.http.post(`${base()}/import`, { url: `${web.url}/files/huge.png` });
    expect(huge.status).toBe(413);
    const missing = await t.http.post(`${base()}/import`, { url: `${web.url}/files/nope.png` });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/answered 404/);
  });
});

describe.each(TEST_TARGETS)('media library in an S3-compatible store on %s', (target) => {
  let h: Harness;
  let s3: Awaited<ReturnType<typeof startS3>>;

  beforeAll(async () => {
    s3 = await startS3();
    h = await createHarness(target, { env: { ...s3.env, MEDIA_MAX_BYTES: String(MAX) } });
  });
  afterAll(async () => {
    await h.assertNothingLeaked();
    await h.close();
    if (!stopped) await s3.close();
  });
  let stopped = false;

  it('uploads into the bucket, serves the file back, and deletes it from the bucket', async () => {
    const t = await h.tenant('s3');
    const bytes = await image('jpeg', 500, 250);
    const res = await t.http.raw('POST', `/api/v1/workspaces/${t.workspaceId}/media?filename=bucket.jpg`, {
      body: bytes,
    });
    expect(res.status, res.text).toBe(201);
    const asset = res.body.asset;
    expect(asset).toMatchObject({ mimeType: 'image/jpeg', width: 500, height: 250 });
    const objects = () =>
      filesUnder(path.join(s3.directory, s3.bucket)).filter((f) => f.endsWith('._S3rver_object'));
    expect(objects().sort()).toEqual([
      `original/${asset.id}._S3rver_object`,
      `thumbnail/${asset.id}._S3rver_object`,
    ]);
    expect(filesUnder(path.join(h.config.dataDir, 'media'))).toEqual([]);
    const file = await t.http.get(asset.fileUrl);
    expect(file.status).toBe(200);
    expect(file.bytes!.equals(bytes)).toBe(true);
    await expectRanges(t.http, asset.fileUrl, bytes);
    expect((await t.http.delete(`/api/v1/workspaces/${t.workspaceId}/media/${asset.id}`)).status).toBe(204);
    expect(objects()).toEqual([]);

    const tooBig = await t.http.raw('POST', `/api/v1/workspaces/${t.workspaceId}/media?filename=big.png`, {
      body: await noisyPng(400, 400),
    });
    expect(tooBig.status).toBe(413);
    expect(objects()).toEqual([]);
  });

  it('says the store is unavailable when the bucket cannot be reached, and records nothing', async () => {
    const t = await h.tenant('s3-down');
    await s3.close();
    stopped = true;
    const res = await t.http.raw('POST', `/api/v1/workspaces/${t.workspaceId}/media?filename=late.png`, {
      body: await image('png'),
    });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Chorus could not store the file: the media store did not answer/,
    );
    expect((await t.http.get(`/api/v1/workspaces/${t.workspaceId}/media`)).body.assets).toEqual([]);
  });
});

/** Players seek with Range requests: one satisfiable range is answered 206 with exactly that part. */
async function expectRanges(http: ReturnType<Harness['client']>, url: string, whole: Buffer): Promise<void> {
  const total = whole.length;
  for (const [header, start, end] of [
    ['bytes=0-9', 0, 9],
    ['bytes=10-', 10, total - 1],
    ['bytes=-5', total - 5, total - 1],
    [`bytes=${total - 3}-${total + 100}`, total - 3, total - 1],
  ] as const) {
    const res = await http.get(url, { headers: { range: header } });
    expect(res.status, header).toBe(206);
    expect(res.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${total}`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect(res.bytes!.equals(whole.subarray(start, end + 1)), header).toBe(true);
  }
  for (const header of ['bytes=0-1,5-9', `bytes=${total}-`, 'bytes=9-2', 'items=0-1', 'bytes=-0']) {
    const res = await http.get(url, { headers: { range: header } });
    expect(res.status, header).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.bytes!.equals(whole), header).toBe(true);
  }
}
