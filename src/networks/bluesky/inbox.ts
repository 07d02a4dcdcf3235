import type { InboxItem, InboxReader, Publisher } from '../contract.js';
import type { BlueskyClient } from './client.js';
import { Notifications } from './schemas.js';

/**
 * Replies, mentions and quotes from app.bsky.notification.listNotifications
 * (https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications), newest first on the wire.
 * The cursor Chorus keeps is the newest `indexedAt` seen plus the ids seen at that instant, so a re-poll
 * never returns an item twice and never skips one that shares a timestamp.
 */
const KINDS = { reply: 'reply', mention: 'mention', quote: 'quote' } as const;
const PAGE = 50;
const MAX_PAGES = 10;

interface Cursor {
  at: string;
  seen: string[];
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(cursor: string | null): Cursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    return typeof c.at === 'string' && Array.isArray(c.seen) ? c : null;
  } catch {
    return null;
  }
}

export function blueskyInbox(client: BlueskyClient, publisher: Publisher): InboxReader {
  return {
    async fetchSince(cursor) {
      const since = decode(cursor);
      const fresh: InboxItem[] = [];
      let newest: Cursor | null = since;
      let page: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const res = Notifications.parse(
          await client.call('GET', 'app.bsky.notification.listNotifications', {
            params: { limit: String(PAGE), ...(page ? { cursor: page } : {}) },
          }),
        );
        let reachedSeen = false;
        for (const n of res.notifications) {
          if (since && (n.indexedAt < since.at || (n.indexedAt === since.at && since.seen.includes(n.uri)))) {
            reachedSeen = true;
            continue;
          }
          if (!newest || n.indexedAt > newest.at) newest = { at: n.indexedAt, seen: [n.uri] };
          else if (n.indexedAt === newest.at && !newest.seen.includes(n.uri)) newest.seen.push(n.uri);
          const kind = KINDS[n.reason as keyof typeof KINDS];
          if (!kind) continue;
          const rkey = n.uri.split('/').pop() ?? '';
          fresh.push({
            remoteId: n.uri,
            kind,
            author: { id: n.author.did, handle: n.author.handle, displayName: n.author.displayName ?? null },
            text: n.record.text ?? '',
            createdAt: new Date(n.record.createdAt ?? n.indexedAt),
            url: `https://bsky.app/profile/${n.author.handle}/post/${rkey}`,
            parentRemoteId: n.record.reply?.parent.uri ?? null,
            ref: {
              uri: n.uri,
              cid: n.cid,
              rootUri: n.record.reply?.root.uri ?? n.uri,
              rootCid: n.record.reply?.root.cid ?? n.cid,
            },
          });
        }
        // Without a cursor, one page is "the most recent"; with one, page back until we meet what we saw.
        if (!since || reachedSeen || !res.cursor) break;
        page = res.cursor;
      }
      fresh.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return { items: fresh, cursor: newest ? encode(newest) : cursor };
    },

    async reply(to, text, idempotencyKey) {
      const parent = { uri: to.ref.uri!, cid: to.ref.cid! };
      const root = { uri: to.ref.rootUri ?? parent.uri, cid: to.ref.rootCid ?? parent.cid };
      return publisher.publish({ idempotencyKey, text, options: { replyTo: { parent, root } } });
    },
  };
}
