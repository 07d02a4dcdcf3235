import type { MediaAsset } from '../types.js';

/** Bytes as people read them (decimal units, as networks state their limits). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${String(n)} bytes`;
  const units = ['kB', 'MB', 'GB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${units[unit] ?? 'GB'}`;
}

export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${String(m)}:${String(s).padStart(2, '0')}`;
}

const TYPE_LABELS: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
};

/** "PNG · 640 × 480 · 34.2 kB" or "MP4 · 0:42 · 3.1 MB". */
export function describeAsset(asset: MediaAsset): string {
  const parts = [TYPE_LABELS[asset.mimeType] ?? asset.mimeType];
  if (asset.width && asset.height) parts.push(`${String(asset.width)} × ${String(asset.height)}`);
  if (asset.durationSeconds !== null) parts.push(formatDuration(asset.durationSeconds));
  parts.push(formatBytes(asset.bytes));
  return parts.join(' · ');
}

/** What the file inputs offer; the server decides from the content anyway. */
export const ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,video/mp4,video/quicktime,.mov';

/** "summer, Team ,x" → ["summer", "team", "x"]. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim().replace(/\s+/g, ' ').toLowerCase();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}
