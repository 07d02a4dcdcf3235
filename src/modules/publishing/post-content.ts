import { createHash } from 'node:crypto';
import type { Delivery, MediaUse, Variant } from './publishing.rows.js';

/** One channel's version of a post, as approvals see it: what would be sent. */
export interface ContentVersion {
  channelId: string;
  /** The channel's own text; the shared body when null or absent. */
  body?: string | null | undefined;
  thread?: readonly string[] | undefined;
  options?: Record<string, unknown> | undefined;
  media?: readonly MediaUse[] | undefined;
}

/** Keys sorted at every level, so equal content always serializes the same way. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * A fingerprint of what a post would send: each channel's text (its own or the shared one), thread, options
 * and media with alt text, in channel order. The time is not part of it: moving a post does not change what
 * was approved. Approvals freeze content by this hash, and an edit that changes it sends the post back.
 */
export function contentHash(body: string, versions: readonly ContentVersion[]): string {
  const channels = [...versions]
    .sort((a, b) => (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0))
    .map((v) => ({
      channelId: v.channelId,
      text: v.body ?? body,
      thread: v.thread ?? [],
      options: v.options ?? {},
      media: (v.media ?? []).map((m) => ({ assetId: m.assetId, alt: m.alt ?? null })),
    }));
  return createHash('sha256')
    .update(JSON.stringify(canonical(channels)))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The versions a post has now: a channel removed from it keeps its version (its deliveries were cancelled),
 * so versions whose deliveries are all cancelled are left out.
 */
export function liveVariants(view: {
  variants: readonly Variant[];
  deliveries: readonly Delivery[];
}): Variant[] {
  return view.variants.filter((v) => {
    const ds = view.deliveries.filter((d) => d.channelId === v.channelId);
    return ds.length === 0 || ds.some((d) => d.state !== 'cancelled');
  });
}
