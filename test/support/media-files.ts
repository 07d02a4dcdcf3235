import sharp from 'sharp';

/** Real media files for tests, made on the spot. */
export function image(format: 'png' | 'jpeg' | 'gif' | 'webp', width = 64, height = 48): Promise<Buffer> {
  const canvas = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 20 } } });
  return canvas.toFormat(format).toBuffer();
}

/** An image of random pixels: it does not compress, so its file is about width × height × 3 bytes. */
export function noisyPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** An ISO BMFF box: 32-bit size, four-letter type, payload. */
export function box(type: string, ...payload: Uint8Array[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** An `mvhd` box: version 0 (32-bit duration) or 1 (64-bit), with the fields a real one has. */
export function mvhd(timescale: number, duration: number, version: 0 | 1 = 0): Buffer {
  const times = version === 0 ? 8 : 16;
  const p = Buffer.alloc(4 + times + 4 + (version === 0 ? 4 : 8) + 80);
  p.writeUInt8(version, 0);
  p.writeUInt32BE(timescale, 4 + times);
  if (version === 0) p.writeUInt32BE(duration, 4 + times + 4);
  else p.writeBigUInt64BE(BigInt(duration), 4 + times + 4);
  return box('mvhd', p);
}

/**
 * A tiny MP4 (or MOV with brand "qt  "): ftyp, then moov with mvhd before or after the media data, which
 * is `mediaBytes` of filler.
 */
export function movie(options: {
  seconds: number;
  brand?: 'isom' | 'qt  ';
  moovLast?: boolean;
  version?: 0 | 1;
  mediaBytes?: number;
}): Buffer {
  const brand = options.brand ?? 'isom';
  const ftyp = box(
    'ftyp',
    Buffer.from(brand, 'latin1'),
    Buffer.alloc(4),
    Buffer.from(`${brand}mp41`, 'latin1'),
  );
  const timescale = 600;
  const moov = box(
    'moov',
    mvhd(timescale, Math.round(options.seconds * timescale), options.version ?? 0),
    box('trak', Buffer.alloc(16)),
  );
  const mdat = box('mdat', Buffer.alloc(options.mediaBytes ?? 1024, 7));
  return Buffer.concat(options.moovLast ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}
