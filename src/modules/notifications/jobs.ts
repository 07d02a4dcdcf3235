import { defineJobHandler } from '../../jobs/catalogue.js';
import type { NotificationEmails } from './emails.service.js';
import type { NotificationsService } from './notifications.service.js';

export const notificationRetentionJob = (notifications: NotificationsService, emails: NotificationEmails) =>
  defineJobHandler('notifications.retention.v1', async () => ({
    deleted: await notifications.deleteReadOlderThan(),
    emailsDeleted: await emails.deleteSentOlderThan(),
  }));

export const notificationEmailJob = (emails: NotificationEmails) =>
  defineJobHandler('notifications.email.v1', async ({ emailId }) => ({
    outcome: await emails.sendInstant(emailId),
  }));

export const notificationDigestJob = (emails: NotificationEmails) =>
  defineJobHandler('notifications.digest.v1', async () => emails.sendDigests());
