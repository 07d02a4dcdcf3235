import { z } from 'zod';
import { isValidTimeZone } from '../../core/wallclock.js';
import { defineRoute } from '../../http/route.js';
import { EMAIL_DELIVERIES, type NotificationPreferences } from './preferences.js';
import { NOTIFICATION_TYPES, type NotificationType } from './types.js';

const TYPE_NAMES = Object.keys(NOTIFICATION_TYPES) as [NotificationType, ...NotificationType[]];

const PreferencesDto = z.object({
  types: z.array(
    z.object({
      type: z.string(),
      /** What the type is about. */
      description: z.string(),
      inApp: z.boolean(),
      /** off, instant (one e-mail each, at once) or digest (listed in the daily digest). */
      email: z.enum(EMAIL_DELIVERIES),
    }),
  ),
  /** When the daily digest goes out: a local hour (0–23) in an IANA time zone. */
  digest: z.object({ hour: z.number().int(), timeZone: z.string() }),
  /** False when this server has no mail server set (SMTP_URL): then nothing is e-mailed. */
  emailConfigured: z.boolean(),
});

const ChangePreferences = z.strictObject({
  types: z
    .array(
      z.strictObject({
        type: z.enum(TYPE_NAMES, {
          message: `Unknown notification type; the types are ${TYPE_NAMES.join(', ')}.`,
        }),
        inApp: z.boolean({ message: 'inApp is true or false.' }).optional(),
        email: z.enum(EMAIL_DELIVERIES, { message: 'email is "off", "instant" or "digest".' }).optional(),
      }),
    )
    .max(100)
    .optional(),
  digest: z
    .strictObject({
      hour: z
        .number({ message: 'The digest hour is a whole hour from 0 to 23.' })
        .int('The digest hour is a whole hour from 0 to 23.')
        .min(0, 'The digest hour is a whole hour from 0 to 23.')
        .max(23, 'The digest hour is a whole hour from 0 to 23.')
        .optional(),
      timeZone: z
        .string()
        .max(100)
        .refine(isValidTimeZone, 'Unknown time zone: use an IANA name such as Europe/Berlin or UTC.')
        .optional(),
    })
    .optional(),
});

const present = (p: NotificationPreferences, emailConfigured: boolean) => ({ ...p, emailConfigured });

/** The signed-in person's own preferences, for all their workspaces (an API token reads and writes them too). */
export const preferenceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/me/notification-preferences',
    summary:
      'How you are told about each type of notification (in the app, by e-mail) and when your digest goes',
    tag: 'notifications',
    auth: { kind: 'user' },
    response: { status: 200, schema: PreferencesDto },
    async handler({ principal, services }) {
      const prefs = await services.notificationPreferences.get(principal.userId);
      return present(prefs, services.notificationEmails.configured);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/notification-preferences',
    summary:
      'Change how you are told: {"types": [{"type", "inApp"?, "email"?}], "digest": {"hour"?, "timeZone"?}}; only what is sent changes',
    tag: 'notifications',
    auth: { kind: 'user' },
    body: ChangePreferences,
    response: { status: 200, schema: PreferencesDto },
    async handler({ principal, body, services }) {
      const prefs = await services.notificationPreferences.update(principal.userId, body);
      return present(prefs, services.notificationEmails.configured);
    },
  }),
];
