import { newId } from '../../core/ids.js';
import type { TextLimits } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Channel } from '../channels/channels.repository.js';
import type { FeedEntry } from './parse.js';

// What a poll does with a feed's entries: their order, one per key, the rows recorded, the channels' limits,
// and when a failing feed is tried again.

/** How often an active feed is polled while it answers (the scheduler looks every 5 minutes). */
export const POLL_INTERVAL_MS = 15 * 60_000;
/** The longest wait between polls of a failing feed: each failure in a row doubles the wait up to this. */
export const MAX_BACKOFF_MS = 24 * 60 * 60_000;

/** Newest first by publication date; entries without one keep their place in the feed. */
export function newestFirst(entries: FeedEntry[]): FeedEntry[] {
  if (entries.some((e) => !e.publishedAt)) return [...entries];
  return [...entries].sort((a, b) => b.publishedAt!.getTime() - a.publishedAt!.getTime());
}

/** One entry per key (a feed that repeats an item shows it once). */
export function dedupe(entries: FeedEntry[]): FeedEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.key) && seen.add(e.key));
}

export function itemRow(e: FeedEntry, status: 'seen' | 'pending' | 'skipped', error?: string) {
  return {
    id: newId(),
    key: e.key,
    title: e.title,
    link: e.link,
    publishedAt: e.publishedAt,
    status,
    ...(error ? { error } : {}),
  };
}

export function limitsOf(channels: Channel[]): TextLimits[] {
  return channels
    .filter((c) => isNetworkId(c.network))
    .map((c) => networkDefinition(c.network as never).limits.text);
}

/** When a feed that failed `failures` times in a row is polled next: the interval, doubled per failure. */
export function backoffFrom(now: Date, failures: number): Date {
  const wait = Math.min(POLL_INTERVAL_MS * 2 ** Math.min(failures, 20), MAX_BACKOFF_MS);
  return new Date(now.getTime() + wait);
}
