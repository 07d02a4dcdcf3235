import type { Logger } from 'pino';
import { daysAgo, type Clock } from '../../core/clock.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import type { NotificationEmails } from './emails.service.js';
import type { Notification, NotificationsRepository } from './notifications.repository.js';
import type { PreferencesService } from './preferences.service.js';
import { isNotificationType, type Notice, type NotificationSender } from './types.js';

/** Read notifications older than this are deleted by `notifications.retention.v1`; unread ones stay. */
export const RETENTION_DAYS = 90;
const MAX_TITLE = 200;
const MAX_BODY = 1000;

/**
 * Who is reading: a person, and for an API token the workspaces it is scoped to. Nobody ever reads or
 * changes another person's notifications, nor those of a workspace they can no longer reach.
 */
export interface NotificationReader {
  userId: string;
  /** A token's workspace scope; undefined for a browser session (every workspace the person reaches). */
  workspaceIds?: readonly string[] | undefined;
}

export interface UnreadCount {
  total: number;
  workspaces: { workspaceId: string; unread: number }[];
}

const clip = (text: string, max: number) => {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/**
 * The in-app notification centre: features `notify` people; each person lists, counts and marks read their
 * own. One unread notification per person, type and subject: a repeat refreshes it.
 */
export class NotificationsService implements NotificationSender {
  constructor(
    private readonly deps: {
      notifications: NotificationsRepository;
      workspaces: WorkspacesRepository;
      preferences: PreferencesService;
      emails: NotificationEmails;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /**
   * Tells each recipient (user ids; repeats are ignored) about `notice` as they chose for its type: in the
   * app (returns the rows written) and by e-mail, at once or in their digest. E-mail is only queued here;
   * a failure to queue it is logged and never fails the caller.
   */
  async notify(recipients: readonly string[], notice: Notice): Promise<number> {
    if (!isNotificationType(notice.type)) throw new Error(`Unknown notification type "${notice.type}".`);
    // A path of this app; "//host" and "/\host" would leave it.
    if (!/^\/(?![/\\])/.test(notice.link)) {
      throw new Error(
        `A notification links to a page of the app (a path starting with /), not "${notice.link}".`,
      );
    }
    const people = [...new Set(recipients)];
    const clipped = { ...notice, title: clip(notice.title, MAX_TITLE), body: clip(notice.body, MAX_BODY) };
    const chosen = await this.deps.preferences.forType(people, notice.type);
    const written = await this.deps.notifications.upsertUnread(
      people
        .filter((userId) => chosen.get(userId)?.inApp !== false)
        .map((userId) => ({
          id: newId(),
          userId,
          workspaceId: notice.workspaceId,
          type: notice.type,
          title: clipped.title,
          body: clipped.body,
          link: notice.link,
          subjectId: notice.subjectId ?? null,
        })),
      this.deps.clock.now(),
    );
    let emails = 0;
    try {
      emails = await this.deps.emails.queue(
        people.map((userId) => ({ userId, email: chosen.get(userId)?.email ?? 'off' })),
        clipped,
      );
    } catch (error) {
      this.deps.logger.error(
        { type: notice.type, workspaceId: notice.workspaceId, err: (error as Error).message },
        'notification e-mail could not be queued',
      );
    }
    this.deps.logger.info(
      { type: notice.type, workspaceId: notice.workspaceId, recipients: written, emails },
      'notification recorded',
    );
    return written;
  }

  /** The reader's workspaces; with `workspaceId`, just that one (not found when it is not theirs). */
  private async scope(reader: NotificationReader, workspaceId?: string): Promise<string[]> {
    let ids = (await this.deps.workspaces.accessibleBy(reader.userId)).map((w) => w.id);
    const tokenScope = reader.workspaceIds;
    if (tokenScope) ids = ids.filter((id) => tokenScope.includes(id));
    if (workspaceId === undefined) return ids;
    if (!ids.includes(workspaceId)) throw notFound('Workspace');
    return [workspaceId];
  }

  /** Newest first, `limit` at a time, with a cursor for the next page. */
  async list(
    reader: NotificationReader,
    options: {
      workspaceId?: string | undefined;
      unreadOnly: boolean;
      limit: number;
      before?: string | undefined;
    },
  ): Promise<{ notifications: Notification[]; nextCursor: string | null }> {
    const workspaceIds = await this.scope(reader, options.workspaceId);
    const before = options.before ? decodeCursor(options.before, 'notifications') : undefined;
    const rows = await this.deps.notifications.list(reader.userId, workspaceIds, {
      unreadOnly: options.unreadOnly,
      limit: options.limit + 1,
      before,
    });
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      notifications: page,
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async unreadCount(reader: NotificationReader): Promise<UnreadCount> {
    const workspaces = await this.deps.notifications.unreadCounts(reader.userId, await this.scope(reader));
    return { total: workspaces.reduce((sum, w) => sum + w.unread, 0), workspaces };
  }

  /**
   * Marks the reader's notifications `ids` read; returns how many were unread. When any id is not one of
   * theirs (another person's, a workspace they left, or deleted), nothing changes and it is "not found".
   */
  async markRead(reader: NotificationReader, ids: readonly string[]): Promise<number> {
    const workspaceIds = await this.scope(reader);
    const wanted = [...new Set(ids)];
    const visible = await this.deps.notifications.visibleIds(reader.userId, workspaceIds, wanted);
    if (visible.length !== wanted.length) throw notFound('Notification');
    return this.deps.notifications.markRead(
      reader.userId,
      workspaceIds,
      { ids: wanted },
      this.deps.clock.now(),
    );
  }

  /** Marks all the reader's unread notifications read, or those of one workspace. */
  async markAllRead(reader: NotificationReader, workspaceId?: string): Promise<number> {
    const workspaceIds = await this.scope(reader, workspaceId);
    return this.deps.notifications.markRead(reader.userId, workspaceIds, 'all', this.deps.clock.now());
  }

  /** Deletes read notifications created more than `days` ago (the retention job). */
  async deleteReadOlderThan(days = RETENTION_DAYS): Promise<number> {
    return this.deps.notifications.deleteReadBefore(daysAgo(this.deps.clock, days));
  }
}
