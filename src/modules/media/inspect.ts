import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { AppError } from '../../core/errors.js';

/**
 * What a file is, decided from its bytes only: the name and the declared Content-Type are never trusted.
 * The library takes images (JPEG, PNG, GIF, WebP) and video (MP4, QuickTime/MOV); SVG, HTML and the rest
 * are refused, so nothing the library serves can run script in a browser.
 */
export type MediaKind = 'image' | 'video';

export const ACCEPTED_TYPES: Record<string, { kind: MediaKind; label: string; ext: string }> = {
  'image/jpeg': { kind: 'image', label: 'JPEG', ext: 'jpg' },
  'image/png': { kind: 'image', label: 'PNG', ext: 'png' },
  'image/gif': { kind: 'image', label: 'GIF', ext: 'gif' },
  'image/webp': { kind: 'image', label: 'WebP', ext: 'webp' },
  'video/mp4': { kind: 'video', label: 'MP4', ext: 'mp4' },
  'video/quicktime': { kind: 'video', label: 'MOV', ext: 'mov' },
};

/** How many leading bytes sniffing needs (file-type reads at most this many for the accepted types). */
export const SNIFF_BYTES = 4100;

const ACCEPTED_LIST = 'JPEG, PNG, GIF or WebP images, or MP4 or MOV video';

/** The sniffed MIME type of `head` (the file's first bytes), or a 415 saying what the file seems to be. */
export async function sniff(
  head: Uint8Array,
  filename: string,
): Promise<{ mimeType: string; kind: MediaKind }> {
  const found = await fileTypeFromBuffer(head);
  // An animated PNG is a PNG: every PNG reader shows its first frame.
  const mime = found?.mime === 'image/apng' ? 'image/png' : found?.mime;
  const accepted = mime ? ACCEPTED_TYPES[mime] : undefined;
  if (mime && accepted) return { mimeType: mime, kind: accepted.kind };
  const seems = found ? `its content is ${found.mime}` : 'its content is not a recognised media format';
  throw new AppError(
    'unsupported_media_type',
    `"${filename}" cannot go in the media library: ${seems}. Upload ${ACCEPTED_LIST}; Chorus reads the file's content, not its name or extension.`,
  );
}

/** Thumbnails are WebP, at most this many pixels wide and high. */
export const THUMBNAIL_SIZE = 320;

/**
 * Width and height as displayed (EXIF orientation applied) and a thumbnail, from an image's bytes. An
 * image whose header sniffs right but does not decode is refused.
 */
export async function describeImage(
  bytes: Uint8Array,
  filename: string,
): Promise<{ width: number; height: number; thumbnail: Buffer }> {
  try {
    const meta = await sharp(bytes).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new Error('no dimensions');
    const thumbnail = await sharp(bytes)
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { width, height, thumbnail };
  } catch {
    throw new AppError(
      'unsupported_media_type',
      `"${filename}" looks like an image but could not be read (it may be damaged or cut short). Export it again and upload the new file.`,
    );
  }
}

/** A file name for display only: no path, no control characters, at most 200 characters. */
export function displayName(raw: string | undefined, fallback: string): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

/** Bytes as people read them: "812 bytes", "34.2 kB", "1.4 MB" (decimal units, as networks state limits). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} bytes`;
  const units = ['kB', 'MB', 'GB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${units[unit]}`;
}
