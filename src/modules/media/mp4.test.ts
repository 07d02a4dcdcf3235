import { describe, expect, it } from 'vitest';
import { box, movie, mvhd } from '../../../test/support/media-files.js';
import { durationFromMoov, mp4Duration, Mp4DurationScanner, parseMvhd } from './mp4.js';

describe('MP4/MOV duration from the movie header', () => {
  it('reads a version 0 mvhd (32-bit duration) and a version 1 mvhd (64-bit duration)', () => {
    expect(parseMvhd(mvhd(600, 9000).subarray(8))).toBe(15);
    expect(parseMvhd(mvhd(1000, 5_000_000_000, 1).subarray(8))).toBe(5_000_000);
    expect(parseMvhd(mvhd(0, 10).subarray(8))).toBeNull();
    expect(parseMvhd(Buffer.from([0, 0, 0]))).toBeNull();
    expect(parseMvhd(Buffer.from([2, 0, 0, 0, 1, 2, 3, 4]))).toBeNull();
  });

  it('finds mvhd among the children of moov, whatever comes first', () => {
    const payload = Buffer.concat([box('udta', Buffer.alloc(5)), mvhd(90_000, 90_000 * 42)]);
    expect(durationFromMoov(payload)).toBe(42);
    expect(durationFromMoov(box('trak', Buffer.alloc(3)))).toBeNull();
  });

  it('finds moov before or after the media data, in MP4 and MOV files', () => {
    expect(mp4Duration(movie({ seconds: 12.5 }))).toBe(12.5);
    expect(mp4Duration(movie({ seconds: 7, moovLast: true, mediaBytes: 50_000 }))).toBe(7);
    expect(mp4Duration(movie({ seconds: 3, brand: 'qt  ', version: 1 }))).toBe(3);
  });

  it('gives the same answer however the file is cut into chunks', () => {
    const file = movie({ seconds: 61.5, moovLast: true, mediaBytes: 10_000 });
    for (const size of [1, 3, 7, 16, 1000, file.length]) {
      const scanner = new Mp4DurationScanner();
      for (let i = 0; i < file.length; i += size) scanner.push(file.subarray(i, i + size));
      expect(scanner.result(), `chunks of ${size}`).toBe(61.5);
    }
  });

  it('gives up (null) on a file without moov, a truncated one, or nonsense sizes', () => {
    const full = movie({ seconds: 5, moovLast: true });
    expect(mp4Duration(full.subarray(0, full.length - 20))).toBeNull();
    expect(
      mp4Duration(Buffer.concat([box('ftyp', Buffer.alloc(8)), box('mdat', Buffer.alloc(10))])),
    ).toBeNull();
    const bad = Buffer.alloc(16);
    bad.writeUInt32BE(3, 0); // smaller than a header
    bad.write('moov', 4, 'latin1');
    expect(mp4Duration(bad)).toBeNull();
    expect(mp4Duration(Buffer.from('plain text, not a movie at all'))).toBeNull();
  });

  it('handles a 64-bit box size (size field 1)', () => {
    const mdatPayload = Buffer.alloc(100, 1);
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(BigInt(16 + mdatPayload.length), 8);
    const file = Buffer.concat([box('ftyp', Buffer.alloc(8)), large, mdatPayload, box('moov', mvhd(10, 25))]);
    expect(mp4Duration(file)).toBe(2.5);
  });
});
