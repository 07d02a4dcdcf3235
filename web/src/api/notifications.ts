/** API calls for notifications and notification preferences. */

import type {
  MarkNotificationsReadInput,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesChange,
  UnreadNotificationCount,
} from '../types.js';
import { request } from './core.js';

export const notificationCalls = {
  /** Your notifications, newest first, across your workspaces (or one). */
  notifications: (
    options: { workspaceId?: string; unread?: boolean; limit?: number; before?: string | null },
    signal?: AbortSignal,
  ) =>
    request<NotificationPage>('/api/v1/notifications', {
      query: {
        workspaceId: options.workspaceId,
        unread: options.unread ? 'true' : undefined,
        limit: options.limit ?? 20,
        before: options.before,
      },
      signal,
    }),

  unreadNotificationCount: (signal?: AbortSignal) =>
    request<UnreadNotificationCount>('/api/v1/notifications/unread-count', { signal }),

  markNotificationsRead: (input: MarkNotificationsReadInput) =>
    request<{ marked: number }>('/api/v1/notifications/read', { method: 'POST', body: input }),

  /** How you are told about each type of notification, and when your digest goes out. */
  notificationPreferences: (signal?: AbortSignal) =>
    request<NotificationPreferences>('/api/v1/me/notification-preferences', { signal }),

  updateNotificationPreferences: (input: NotificationPreferencesChange) =>
    request<NotificationPreferences>('/api/v1/me/notification-preferences', { method: 'PUT', body: input }),
};
