import type { Logger } from 'pino';
import type { NotificationSender, NotificationType } from '../notifications/types.js';

/** Tells people about an approval event; notifying never fails what is being reported. */
export async function notifySafely(
  deps: { notifications: NotificationSender; logger: Logger },
  recipients: readonly (string | null)[],
  notice: {
    workspaceId: string;
    type: NotificationType;
    title: string;
    body: string;
    link: string;
    subjectId: string;
  },
): Promise<void> {
  const people = recipients.filter((id): id is string => id !== null);
  if (people.length === 0) return;
  await deps.notifications
    .notify(people, notice)
    .catch((error: unknown) =>
      deps.logger.error({ err: (error as Error).message, type: notice.type }, 'approval notification failed'),
    );
}

export function excerpt(text: string, max = 60): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
