/** API calls for webhook endpoints and their deliveries. */

import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEventInfo,
  WebhookWithSecret,
} from '../types.js';
import { request, seg, ws } from './core.js';

export const webhookCalls = {
  webhookEvents: (signal?: AbortSignal) =>
    request<{ events: WebhookEventInfo[] }>('/api/v1/webhook-events', { signal }),

  webhooks: (workspaceId: string, signal?: AbortSignal) =>
    request<{ endpoints: WebhookEndpoint[] }>(`${ws(workspaceId)}/webhooks`, { signal }),

  createWebhook: (workspaceId: string, input: CreateWebhookInput) =>
    request<WebhookWithSecret>(`${ws(workspaceId)}/webhooks`, { method: 'POST', body: input }),

  updateWebhook: (workspaceId: string, endpointId: string, input: UpdateWebhookInput) =>
    request<{ endpoint: WebhookEndpoint }>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteWebhook: (workspaceId: string, endpointId: string) =>
    request<undefined>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}`, { method: 'DELETE' }),

  rotateWebhookSecret: (workspaceId: string, endpointId: string) =>
    request<WebhookWithSecret>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}/rotate-secret`, {
      method: 'POST',
    }),

  testWebhook: (workspaceId: string, endpointId: string) =>
    request<{ delivery: WebhookDelivery }>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}/test`, {
      method: 'POST',
    }),

  webhookDeliveries: (
    workspaceId: string,
    endpointId: string,
    options: { limit?: number; before?: string | null },
    signal?: AbortSignal,
  ) =>
    request<WebhookDeliveryPage>(`${ws(workspaceId)}/webhooks/${seg(endpointId)}/deliveries`, {
      query: { limit: options.limit ?? 20, before: options.before },
      signal,
    }),

  redeliverWebhook: (workspaceId: string, endpointId: string, deliveryId: string) =>
    request<{ delivery: WebhookDelivery }>(
      `${ws(workspaceId)}/webhooks/${seg(endpointId)}/deliveries/${seg(deliveryId)}/redeliver`,
      { method: 'POST' },
    ),
};
