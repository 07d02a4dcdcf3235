import { NOTIFICATION_TYPES, type NotificationType } from './types.js';

/** How a person gets a type of notification by e-mail: not at all, one e-mail each, or in the daily digest. */
export const EMAIL_DELIVERIES = ['off', 'instant', 'digest'] as const;
export type EmailDelivery = (typeof EMAIL_DELIVERIES)[number];

/** What a person gets for one type of notification. */
export interface TypePreference {
  inApp: boolean;
  email: EmailDelivery;
}

/**
 * What everyone gets until they change it (docs/notifications.md lists them): every type in the app; by
 * e-mail at once what needs someone to act, and in the digest what is good to know.
 */
export const DEFAULT_EMAIL: Record<NotificationType, EmailDelivery> = {
  'channel.needs_reconnect': 'instant',
  'delivery.failed': 'instant',
  'delivery.unconfirmed': 'digest',
  'post.mentioned': 'instant',
  'approval.requested': 'instant',
  'approval.approved': 'digest',
  'approval.rejected': 'instant',
  'approval.held': 'instant',
  'approval.expired': 'instant',
};

export const defaultPreference = (type: NotificationType): TypePreference => ({
  inApp: true,
  email: DEFAULT_EMAIL[type],
});

/** The digest goes out at this local hour unless the person chose another. */
export const DEFAULT_DIGEST_HOUR = 8;
/** The digest's zone when the person chose none and reaches no workspace. */
export const FALLBACK_TIME_ZONE = 'UTC';

export interface DigestSchedule {
  hour: number;
  timeZone: string;
}

/** A person's preferences, every type listed (stored or default). */
export interface NotificationPreferences {
  types: { type: NotificationType; description: string; inApp: boolean; email: EmailDelivery }[];
  digest: DigestSchedule;
}

/** All types in catalogue order, each with the stored preference or its default. */
export function withDefaults(stored: ReadonlyMap<string, TypePreference>): NotificationPreferences['types'] {
  return (Object.keys(NOTIFICATION_TYPES) as NotificationType[]).map((type) => ({
    type,
    description: NOTIFICATION_TYPES[type],
    ...(stored.get(type) ?? defaultPreference(type)),
  }));
}
