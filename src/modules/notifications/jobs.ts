import { defineJobHandler } from '../../jobs/catalogue.js';
import type { NotificationsService } from './notifications.service.js';

export const notificationRetentionJob = (notifications: NotificationsService) =>
  defineJobHandler('notifications.retention.v1', async () => ({
    deleted: await notifications.deleteReadOlderThan(),
  }));
