import type { InboxItem, InboxReader, Publisher } from '../contract.js';
import type { MastodonClient } from './client.js';
import { Notifications, parseBody, type Notification } from './schemas.js';
import { compareIds, htmlToText } from './text.js';

/**
 * Mentions from GET /api/v1/notifications?types[]=mention
 * (https://docs.joinmastodon.org/methods/notifications/), newest first on the wire. The cursor is the highest
 * notification id seen; ids are numeric strings, compared by length then lexicographically. A mention that
 * answers a status is a reply. Private mentions are mentions too: their visibility is kept so the answer
 * stays as private as the question.
 */
const PAGE = 40;
const MAX_PAGES = 10;

export function fullAcct(acct: string, domain: string): string {
  return acct.includes('@') ? acct : `${acct}@${domain}`;
}

export function mastodonInbox(client: MastodonClient, publisher: Publisher): InboxReader {
  function toItem(n: Notification & { status: NonNullable<Notification['status']> }): InboxItem {
    const s = n.status;
    return {
      remoteId: s.id,
      kind: s.in_reply_to_id ? 'reply' : 'mention',
      author: {
        id: n.account.id,
        handle: fullAcct(n.account.acct, client.domain),
        displayName: n.account.display_name || null,
      },
      text: htmlToText(s.content),
      createdAt: new Date(s.created_at),
      url: s.url ?? s.uri,
      parentRemoteId: s.in_reply_to_id,
      ref: { statusId: s.id, notificationId: n.id, acct: n.account.acct, visibility: s.visibility },
    };
  }

  return {
    async fetchSince(cursor) {
      await client.loadLimits(); // the instance document names the domain of local handles
      const fresh: Notification[] = [];
      let maxId: string | undefined;
      // Without a cursor, one page is "the most recent"; with one, page back until the cursor is reached.
      for (let page = 0; page < MAX_PAGES; page++) {
        const list = parseBody(
          Notifications,
          await client.call('GET', '/api/v1/notifications', {
            query: {
              'types[]': 'mention',
              limit: String(PAGE),
              ...(cursor ? { since_id: cursor } : {}),
              ...(maxId ? { max_id: maxId } : {}),
            },
          }),
          'GET /api/v1/notifications',
        );
        const newer = cursor ? list.filter((n) => compareIds(n.id, cursor) > 0) : list;
        fresh.push(...newer);
        if (!cursor || list.length < PAGE || newer.length === 0) break;
        maxId = list.reduce((min, n) => (compareIds(n.id, min) < 0 ? n.id : min), list[0]!.id);
      }
      const newest = fresh.reduce<string | null>(
        (max, n) => (!max || compareIds(n.id, max) > 0 ? n.id : max),
        cursor,
      );
      const items = fresh
        .filter(
          (n): n is Notification & { status: NonNullable<Notification['status']> } =>
            n.type === 'mention' && !!n.status,
        )
        .sort((a, b) => compareIds(a.id, b.id))
        .map(toItem);
      return { items, cursor: newest };
    },

    /**
     * Answers in the thread (in_reply_to_id), mentioning the author as Mastodon's own app does (without the
     * mention a private reply reaches nobody), and never more public than the status it answers.
     */
    async reply(to, text, idempotencyKey) {
      const acct = to.ref.acct ?? to.author.handle;
      const mention = `@${acct}`;
      const mentioned = new RegExp(
        `(^|\\s)${mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w@.-])`,
        'i',
      );
      const visibility = to.ref.visibility;
      return publisher.publish({
        idempotencyKey,
        text: mentioned.test(text) ? text : `${mention} ${text}`,
        options: {
          inReplyToId: to.ref.statusId ?? to.remoteId,
          ...(visibility === 'direct' || visibility === 'private' ? { visibility } : {}),
        },
      });
    },
  };
}
