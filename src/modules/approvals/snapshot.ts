import { contentHash, liveVariants } from '../publishing/post-content.js';
import type { PostView } from '../publishing/posts.types.js';

/** One channel's version as it was submitted: the text it would send (its own or the shared one). */
export interface SnapshotChannel {
  channelId: string;
  name: string;
  network: string;
  text: string;
  thread: string[];
  media: { assetId: string; alt?: string }[];
  options: Record<string, unknown>;
}

/** Exactly what approvers approve, frozen when the post is submitted. */
export interface Snapshot {
  title: string | null;
  body: string;
  scheduledAt: string | null;
  channels: SnapshotChannel[];
}

export interface Change {
  field: string;
  label: string;
  from: string | null;
  to: string | null;
}

/** The post's content now, and its hash (`contentHash`: the time is not part of it). */
export function snapshotOf(view: PostView): { snapshot: Snapshot; hash: string } {
  const variants = liveVariants(view);
  return {
    snapshot: {
      title: view.post.title,
      body: view.post.body,
      scheduledAt: view.post.scheduledAt?.toISOString() ?? null,
      channels: variants.map((v) => ({
        channelId: v.channelId,
        name: view.channels[v.channelId]?.name ?? 'A removed channel',
        network: view.channels[v.channelId]?.network ?? 'unknown',
        text: v.body ?? view.post.body,
        thread: v.thread,
        media: v.media.map((m) => ({ assetId: m.assetId, ...(m.alt !== undefined ? { alt: m.alt } : {}) })),
        options: v.options,
      })),
    },
    hash: contentHash(view.post.body, variants),
  };
}

const mediaText = (c: SnapshotChannel | undefined) =>
  c ? c.media.map((m) => `${m.assetId}${m.alt ? ` (${m.alt})` : ''}`).join(', ') || null : null;

/**
 * What changed between two submissions of a post, for approvers: the text of each channel, its thread,
 * media and options, channels added or removed, and the time.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): Change[] {
  const changes: Change[] = [];
  const byId = (s: Snapshot) => new Map(s.channels.map((c) => [c.channelId, c]));
  const was = byId(before);
  const now = byId(after);
  for (const c of after.channels) {
    const old = was.get(c.channelId);
    if (!old) {
      changes.push({ field: `channel:${c.channelId}`, label: `Channel ${c.name}`, from: null, to: 'added' });
      continue;
    }
    if (old.text !== c.text)
      changes.push({ field: `text:${c.channelId}`, label: `Text on ${c.name}`, from: old.text, to: c.text });
    if (old.thread.join('\n\n') !== c.thread.join('\n\n'))
      changes.push({
        field: `thread:${c.channelId}`,
        label: `Thread on ${c.name}`,
        from: old.thread.join('\n\n') || null,
        to: c.thread.join('\n\n') || null,
      });
    if (mediaText(old) !== mediaText(c))
      changes.push({
        field: `media:${c.channelId}`,
        label: `Media on ${c.name}`,
        from: mediaText(old),
        to: mediaText(c),
      });
    if (JSON.stringify(old.options) !== JSON.stringify(c.options))
      changes.push({
        field: `options:${c.channelId}`,
        label: `Options on ${c.name}`,
        from: JSON.stringify(old.options),
        to: JSON.stringify(c.options),
      });
  }
  for (const c of before.channels)
    if (!now.has(c.channelId))
      changes.push({
        field: `channel:${c.channelId}`,
        label: `Channel ${c.name}`,
        from: 'present',
        to: 'removed',
      });
  if (before.scheduledAt !== after.scheduledAt)
    changes.push({ field: 'scheduledAt', label: 'Time', from: before.scheduledAt, to: after.scheduledAt });
  if (before.title !== after.title)
    changes.push({ field: 'title', label: 'Title', from: before.title, to: after.title });
  return changes;
}
