import { describe, expect, it } from 'vitest';
import { image, movie } from '../../../test/support/media-files.js';
import { networkDefinition } from '../../networks/registry.js';
import { displayName, formatBytes, sniff, describeImage } from './inspect.js';
import { mediaIssues } from './limits.js';
import { parseRange } from './media.service.js';
import type { MediaAsset } from './media.repository.js';

const asset = (over: Partial<MediaAsset>): MediaAsset => ({
  id: '01890000-0000-7000-8000-000000000001',
  workspaceId: '01890000-0000-7000-8000-0000000000ff',
  kind: 'image',
  mimeType: 'image/png',
  bytes: 1000,
  width: 10,
  height: 10,
  durationMs: null,
  filename: 'a.png',
  alt: '',
  tags: [],
  storageKey: 'original/x',
  thumbnailKey: null,
  sourceUrl: null,
  createdBy: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('media against a network’s declared limits', () => {
  const bluesky = networkDefinition('bluesky');
  const telegram = networkDefinition('telegram');
  const webhook = networkDefinition('webhook');

  it('says which item, how big, the limit and what to do', () => {
    const items = [
      { asset: asset({ filename: 'ok.png' }), alt: '' },
      {
        asset: asset({ id: '01890000-0000-7000-8000-000000000002', filename: 'photo.png', bytes: 1_400_000 }),
        alt: '',
      },
    ];
    expect(mediaIssues(bluesky.metadata.name, bluesky.limits.media, items)).toEqual([
      {
        index: 1,
        assetId: '01890000-0000-7000-8000-000000000002',
        message:
          'Bluesky: image 2 (photo.png) is 1.4 MB; Bluesky takes at most 1 MB — resize it or choose another.',
      },
    ]);
  });

  it('refuses types the network does not take, too many items and long alt text', () => {
    const video = asset({ kind: 'video', mimeType: 'video/mp4', filename: 'clip.mp4', durationMs: 5000 });
    const five = [1, 2, 3, 4, 5].map(() => ({ asset: asset({}), alt: '' }));
    const issues = mediaIssues('Bluesky', bluesky.limits.media, [
      ...five.slice(0, 4),
      { asset: video, alt: 'x'.repeat(2001) },
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'Bluesky: 5 media items are attached; Bluesky takes at most 4 — remove 1.',
      'Bluesky: video 5 (clip.mp4) is MP4; Bluesky takes JPEG, PNG, WebP, GIF — convert it or choose another.',
      'Bluesky: the alt text of video 5 (clip.mp4) is 2001 characters; Bluesky takes at most 2000 — shorten it.',
    ]);
    expect(
      mediaIssues('Telegram', telegram.limits.media, [
        { asset: asset({ mimeType: 'image/gif', filename: 'a.gif' }), alt: '' },
      ])[0]!.message,
    ).toMatch(/^Telegram: image 1 \(a\.gif\) is GIF; Telegram takes JPEG, PNG, WebP, MP4/);
  });

  it('says a network takes no media at all', () => {
    expect(mediaIssues('Webhook', webhook.limits.media, [{ asset: asset({}), alt: '' }])).toEqual([
      {
        index: null,
        assetId: null,
        message: 'Webhook takes no media: remove the attached item for this channel.',
      },
    ]);
    expect(mediaIssues('Webhook', webhook.limits.media, [])).toEqual([]);
  });

  it('checks video length where the network declares one', () => {
    const limits = { ...telegram.limits.media, maxVideoSeconds: 60 };
    const long = asset({ kind: 'video', mimeType: 'video/mp4', filename: 'long.mp4', durationMs: 95_000 });
    expect(mediaIssues('Telegram', limits, [{ asset: long, alt: '' }]).map((i) => i.message)).toEqual([
      'Telegram: video 1 (long.mp4) is 95 seconds long; Telegram takes at most 60 seconds — trim it or choose another.',
    ]);
    expect(mediaIssues('Telegram', limits, [{ asset: { ...long, durationMs: 59_000 }, alt: '' }])).toEqual(
      [],
    );
  });
});

describe('what a file is, from its bytes', () => {
  it('sniffs images and video by content, whatever the name says', async () => {
    expect(await sniff(await image('png'), 'holiday.gif')).toEqual({ mimeType: 'image/png', kind: 'image' });
    expect(await sniff(await image('jpeg'), 'x')).toEqual({ mimeType: 'image/jpeg', kind: 'image' });
    expect(await sniff(await image('webp'), 'x')).toEqual({ mimeType: 'image/webp', kind: 'image' });
    expect(await sniff(await image('gif'), 'x')).toEqual({ mimeType: 'image/gif', kind: 'image' });
    expect(await sniff(movie({ seconds: 1 }), 'x')).toEqual({ mimeType: 'video/mp4', kind: 'video' });
    expect(await sniff(movie({ seconds: 1, brand: 'qt  ' }), 'x')).toEqual({
      mimeType: 'video/quicktime',
      kind: 'video',
    });
  });

  it('refuses text named .jpg, SVG and PDF with what the content is', async () => {
    await expect(sniff(Buffer.from('just some text, honestly'), 'cat.jpg')).rejects.toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringMatching(
        /^"cat\.jpg" cannot go in the media library: its content is not a recognised media format\. Upload JPEG, PNG, GIF or WebP/,
      ),
    });
    await expect(sniff(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'doc.png')).rejects.toThrow(
      /its content is application\/pdf/,
    );
    const svg = Buffer.from(
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    await expect(sniff(svg, 'logo.svg')).rejects.toMatchObject({ code: 'unsupported_media_type' });
  });

  it('reads dimensions and makes a WebP thumbnail no larger than 320 px', async () => {
    const big = await describeImage(await image('jpeg', 1000, 500), 'wide.jpg');
    expect([big.width, big.height]).toEqual([1000, 500]);
    const thumb = await (await import('sharp')).default(big.thumbnail).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 320, 160]);
    const small = await describeImage(await image('png', 40, 30), 'small.png');
    const smallThumb = await (await import('sharp')).default(small.thumbnail).metadata();
    expect([smallThumb.width, smallThumb.height]).toEqual([40, 30]);
    const broken = (await image('png', 100, 100)).subarray(0, 60);
    await expect(describeImage(broken, 'cut.png')).rejects.toThrow(/could not be read/);
  });

  it('keeps display names harmless and formats sizes', () => {
    expect(displayName('../../etc/passwd', 'upload')).toBe('passwd');
    expect(displayName('C:\\Users\\me\\photo.png', 'upload')).toBe('photo.png');
    expect(displayName('..', 'upload')).toBe('upload');
    expect(displayName('a\u0000b\nc.png', 'upload')).toBe('abc.png');
    expect(displayName(undefined, 'upload')).toBe('upload');
    expect([
      formatBytes(999),
      formatBytes(1000),
      formatBytes(1_400_000),
      formatBytes(16 * 1024 * 1024),
    ]).toEqual(['999 bytes', '1 kB', '1.4 MB', '16.8 MB']);
  });
});

describe('byte ranges', () => {
  it('reads one satisfiable range and ignores the rest', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    for (const header of [
      undefined,
      '',
      'bytes=1000-',
      'bytes=5-1',
      'bytes=0-1,4-5',
      'bytes=-0',
      'bytes=-',
      'lines=1-2',
    ]) {
      expect(parseRange(header, 1000), String(header)).toBeNull();
    }
    expect(parseRange('bytes=0-0', 0)).toBeNull();
  });
});
