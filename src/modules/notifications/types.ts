/**
 * What Chorus notifies people about in the app. A type is a stable name (per-person preferences and digests
 * will key on it); docs/notifications.md lists who gets each. Adding one needs no migration.
 */
export const NOTIFICATION_TYPES = {
  'channel.needs_reconnect': 'A channel stopped working and must be reconnected before it can publish again.',
  'delivery.failed': 'A post could not be published to a channel, and Chorus stopped trying.',
  'delivery.unconfirmed':
    'Chorus cannot tell whether a post reached a channel: someone must check and settle it.',
  'post.mentioned': 'Someone mentioned you in a comment on a post.',
  'approval.requested': 'A post is waiting for your approval.',
  'approval.approved': 'A post you submitted was approved.',
  'approval.rejected': 'A post you submitted was rejected, or changes were requested.',
  'approval.held': 'A post reached its time without approval and is held.',
  'approval.expired': 'The approval of a post expired before it was published; it needs approving again.',
} as const;

export type NotificationType = keyof typeof NOTIFICATION_TYPES;

export function isNotificationType(value: string): value is NotificationType {
  return Object.hasOwn(NOTIFICATION_TYPES, value);
}

/** What one event tells the people it concerns. */
export interface Notice {
  workspaceId: string;
  type: NotificationType;
  title: string;
  body: string;
  /** An address inside the web app, starting with `/` (e.g. `/w/<workspace id>/posts/<post id>`). */
  link: string;
  /** What it is about: an unread notice about the same subject is refreshed, not repeated. */
  subjectId?: string | null;
}

/** How features hand notices to the notification centre (services.ts passes the real one). */
export interface NotificationSender {
  notify(recipients: readonly string[], notice: Notice): Promise<number>;
}
