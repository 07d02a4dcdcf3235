import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import {
  NOTIFICATION_COLUMNS,
  toNotification,
  type NewNotification,
  type Notification,
} from './notifications.rows.js';
import { olderThan } from '../../db/keyset.js';

export type { NewNotification, Notification };

/**
 * Notifications of one person. Every read and change is limited to `userId` and to the workspaces the caller
 * passes (those the person can still reach): a notification of a workspace they left stays invisible.
 */
export class NotificationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Records notifications; one that repeats an unread notification of the same person, type and subject
   * refreshes it (time, title, body, link) instead of adding another. Returns the rows written.
   */
  async upsertUnread(rows: readonly NewNotification[], now: Date): Promise<number> {
    if (rows.length === 0) return 0;
    const written = await this.db
      .insertInto('notifications')
      .values(
        rows.map((n) => ({
          id: n.id,
          user_id: n.userId,
          workspace_id: n.workspaceId,
          type: n.type,
          title: n.title,
          body: n.body,
          link: n.link,
          subject_id: n.subjectId,
          created_at: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'type', 'subject_id'])
          .where('read_at', 'is', null)
          .doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            body: eb.ref('excluded.body'),
            link: eb.ref('excluded.link'),
            created_at: eb.ref('excluded.created_at'),
          })),
      )
      .returning('id')
      .execute();
    return written.length;
  }

  /** Newest first, before a (created_at, id) cursor. */
  async list(
    userId: string,
    workspaceIds: readonly string[],
    options: { unreadOnly: boolean; limit: number; before?: { createdAt: Date; id: string } | undefined },
  ): Promise<Notification[]> {
    if (workspaceIds.length === 0) return [];
    let q = this.db
      .selectFrom('notifications')
      .select(NOTIFICATION_COLUMNS)
      .where('user_id', '=', userId)
      .where('workspace_id', 'in', workspaceIds);
    if (options.unreadOnly) q = q.where('read_at', 'is', null);
    const before = options.before;
    if (before) {
      q = q.where(olderThan(before));
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toNotification);
  }

  /** Unread notifications per workspace (workspaces with none are left out). */
  async unreadCounts(
    userId: string,
    workspaceIds: readonly string[],
  ): Promise<{ workspaceId: string; unread: number }[]> {
    if (workspaceIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('notifications')
      .select(['workspace_id', sql<number>`count(*)::int`.as('n')])
      .where('user_id', '=', userId)
      .where('workspace_id', 'in', workspaceIds)
      .where('read_at', 'is', null)
      .groupBy('workspace_id')
      .execute();
    return rows.map((r) => ({ workspaceId: r.workspace_id, unread: r.n }));
  }

  /** Which of `ids` are this person's, in these workspaces (read or not). */
  async visibleIds(
    userId: string,
    workspaceIds: readonly string[],
    ids: readonly string[],
  ): Promise<string[]> {
    if (workspaceIds.length === 0 || ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', userId)
      .where('workspace_id', 'in', workspaceIds)
      .where('id', 'in', ids)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Marks unread notifications read: the given ones, or all of them; returns how many changed. */
  async markRead(
    userId: string,
    workspaceIds: readonly string[],
    which: { ids: readonly string[] } | 'all',
    now: Date,
  ): Promise<number> {
    if (workspaceIds.length === 0) return 0;
    if (which !== 'all' && which.ids.length === 0) return 0;
    let q = this.db
      .updateTable('notifications')
      .set({ read_at: now })
      .where('user_id', '=', userId)
      .where('workspace_id', 'in', workspaceIds)
      .where('read_at', 'is', null);
    if (which !== 'all') q = q.where('id', 'in', which.ids);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Deletes read notifications created before `cutoff`; unread ones stay. Returns how many went. */
  async deleteReadBefore(cutoff: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('notifications')
      .where('read_at', 'is not', null)
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
