import { z } from 'zod';
import { defineRoute, type Principal } from '../../http/route.js';
import type { Notification } from './notifications.repository.js';
import type { NotificationReader } from './notifications.service.js';
import { preferenceRoutes } from './preferences.routes.js';

const NotificationDto = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  type: z.string(),
  title: z.string(),
  body: z.string(),
  /** A page of the web app. */
  link: z.string(),
  subjectId: z.string().nullable(),
  /** When it happened; a repeat of an unread notification moves it to the time of the repeat. */
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
const toNotificationDto = (n: Notification) => ({
  id: n.id,
  workspaceId: n.workspaceId,
  type: n.type,
  title: n.title,
  body: n.body,
  link: n.link,
  subjectId: n.subjectId,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt ? n.readAt.toISOString() : null,
});

/** A browser session reads all the person's workspaces; an API token only those it is scoped to. */
const readerOf = (principal: Principal): NotificationReader =>
  principal.kind === 'token'
    ? { userId: principal.userId, workspaceIds: principal.workspaceIds }
    : { userId: principal.userId };

const MarkRead = z
  .strictObject({
    ids: z
      .array(z.uuid())
      .min(1, 'Give the ids of the notifications to mark as read, or send {"all": true}.')
      .max(100, 'Mark at most 100 notifications at once, or send {"all": true}.')
      .optional(),
    all: z
      .literal(true, { message: 'all can only be true; to mark some, send their ids instead.' })
      .optional(),
    /** With `all`: only the notifications of this workspace. */
    workspaceId: z.uuid().optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), {
    message: 'Send either {"ids": [...]} or {"all": true}, one of the two.',
  })
  .refine((b) => b.workspaceId === undefined || b.all === true, {
    message: 'workspaceId goes with {"all": true}; ids already name their notifications.',
    path: ['workspaceId'],
  });

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/notifications',
    summary: 'Your notifications, newest first (every workspace you reach, or one)',
    tag: 'notifications',
    auth: { kind: 'user' },
    query: z.strictObject({
      workspaceId: z.uuid().optional(),
      unread: z
        .enum(['true', 'false'], { message: 'unread is true or false.' })
        .optional()
        .transform((v) => v === 'true'),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      before: z.string().max(200).optional(),
    }),
    response: {
      status: 200,
      schema: z.object({ notifications: z.array(NotificationDto), nextCursor: z.string().nullable() }),
    },
    async handler({ principal, query, services }) {
      const page = await services.notifications.list(readerOf(principal), {
        workspaceId: query.workspaceId,
        unreadOnly: query.unread,
        limit: query.limit,
        before: query.before,
      });
      return { notifications: page.notifications.map(toNotificationDto), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/notifications/unread-count',
    summary: 'How many of your notifications are unread, in all and per workspace',
    tag: 'notifications',
    auth: { kind: 'user' },
    response: {
      status: 200,
      schema: z.object({
        total: z.number().int(),
        workspaces: z.array(z.object({ workspaceId: z.uuid(), unread: z.number().int() })),
      }),
    },
    async handler({ principal, services }) {
      return services.notifications.unreadCount(readerOf(principal));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/notifications/read',
    summary:
      'Mark notifications as read: {"ids": [...]} (all must be yours), or {"all": true} with an optional workspaceId',
    tag: 'notifications',
    auth: { kind: 'user' },
    body: MarkRead,
    response: { status: 200, schema: z.object({ marked: z.number().int() }) },
    async handler({ principal, body, services }) {
      const reader = readerOf(principal);
      const marked = body.ids
        ? await services.notifications.markRead(reader, body.ids)
        : await services.notifications.markAllRead(reader, body.workspaceId);
      return { marked };
    },
  }),
  ...preferenceRoutes,
];
