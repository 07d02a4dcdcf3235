/** Shapes of the API: in-app notifications and notification preferences. */

/** One in-app notification (named so as not to clash with the browser's `Notification`). */
export interface AppNotification {
  id: string;
  workspaceId: string;
  type: string;
  title: string;
  body: string;
  /** A page of this app, e.g. /w/…/settings/channels. */
  link: string;
  subjectId: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  notifications: AppNotification[];
  nextCursor: string | null;
}

export interface UnreadNotificationCount {
  total: number;
  workspaces: { workspaceId: string; unread: number }[];
}

export type MarkNotificationsReadInput = { ids: string[] } | { all: true; workspaceId?: string };

/** How a person gets one type of notification by e-mail: not at all, one e-mail each, or in the daily digest. */
export type EmailDelivery = 'off' | 'instant' | 'digest';

export interface NotificationTypePreference {
  type: string;
  description: string;
  inApp: boolean;
  email: EmailDelivery;
}

/** The signed-in person's notification preferences (for all their workspaces). */
export interface NotificationPreferences {
  types: NotificationTypePreference[];
  /** The daily digest goes out at this local hour (0–23) in this IANA zone. */
  digest: { hour: number; timeZone: string };
  /** False when the server has no mail server set: nothing is e-mailed. */
  emailConfigured: boolean;
}

export interface NotificationPreferencesChange {
  types?: { type: string; inApp?: boolean; email?: EmailDelivery }[];
  digest?: { hour?: number; timeZone?: string };
}
