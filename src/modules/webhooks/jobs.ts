import { defineJobHandler } from '../../jobs/catalogue.js';
import type { WebhooksService } from './webhooks.service.js';

export const webhookDeliveryJob = (webhooks: WebhooksService) =>
  defineJobHandler('webhooks.deliver.v1', (payload) => webhooks.deliver(payload));

export const webhookRetentionJob = (webhooks: WebhooksService) =>
  defineJobHandler('webhooks.retention.v1', () => webhooks.deleteOldDeliveries());

export const webhookSweepJob = (webhooks: WebhooksService) =>
  defineJobHandler('webhooks.sweep.v1', () => webhooks.sweep());
