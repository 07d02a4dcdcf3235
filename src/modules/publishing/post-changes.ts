import type { PostView } from './posts.types.js';

/** Text kept in a change record: enough to read what changed, never a whole long post. */
const clipped = (text: string | null): string | null =>
  text !== null && text.length > 2_000 ? `${text.slice(0, 1_999)}…` : text;

/**
 * What an edit changed, for the post's activity: the text, each channel's version (added, removed, its own
 * text), the time, and the planning fields. Keys: `body`, `version:<channel id>`, `channel:<channel id>`,
 * `scheduledAt`, `title`, `notes`, `tags`, `campaign`, `categoryId`, `kind`.
 */
export function changesBetween(
  before: PostView,
  after: PostView,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (before.post.body !== after.post.body) {
    changes.body = { from: clipped(before.post.body), to: clipped(after.post.body) };
  }
  for (const v of after.variants) {
    const old = before.variants.find((b) => b.channelId === v.channelId);
    if (!old) changes[`channel:${v.channelId}`] = { from: null, to: 'added' };
    else if ((old.body ?? null) !== (v.body ?? null))
      changes[`version:${v.channelId}`] = { from: clipped(old.body), to: clipped(v.body) };
  }
  const liveBefore = new Set(
    before.deliveries.filter((d) => d.state !== 'cancelled').map((d) => d.channelId),
  );
  const liveAfter = new Set(after.deliveries.filter((d) => d.state !== 'cancelled').map((d) => d.channelId));
  for (const id of liveBefore)
    if (!liveAfter.has(id)) changes[`channel:${id}`] = { from: 'present', to: 'removed' };
  const at = (d: Date | null) => d?.toISOString() ?? null;
  if (at(before.post.scheduledAt) !== at(after.post.scheduledAt)) {
    changes.scheduledAt = { from: at(before.post.scheduledAt), to: at(after.post.scheduledAt) };
  }
  for (const key of ['kind', 'title', 'notes', 'campaign', 'categoryId'] as const) {
    if (before.post[key] !== after.post[key]) changes[key] = { from: before.post[key], to: after.post[key] };
  }
  if (JSON.stringify(before.post.tags) !== JSON.stringify(after.post.tags)) {
    changes.tags = { from: before.post.tags, to: after.post.tags };
  }
  return changes;
}
