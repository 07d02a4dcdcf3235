import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import type { WebhookEndpoint } from './webhooks.repository.js';
import type { DeliveryWithAttempts } from './webhooks.service.js';

const EndpointDto = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** Field by field: the signing secret's vault id never leaves the server. */
const toEndpointDto = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  enabled: e.enabled,
  disabledReason: e.disabledReason,
  disabledAt: iso(e.disabledAt),
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

const AttemptDto = z.object({
  attempt: z.number().int(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
});
const DeliveryDto = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attemptCount: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  /** Exactly what is sent (the request body), frozen when the event happened. */
  payload: z.record(z.string(), z.unknown()),
  attempts: z.array(AttemptDto),
});
const toDeliveryDto = (d: DeliveryWithAttempts) => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attemptCount: d.attemptCount,
  maxAttempts: d.maxAttempts,
  nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
  payload: d.payload,
  attempts: d.attempts.map((a) => ({
    attempt: a.attempt,
    startedAt: a.startedAt.toISOString(),
    durationMs: a.durationMs,
    statusCode: a.statusCode,
    error: a.error,
    responseExcerpt: a.responseExcerpt,
  })),
});

const endpointParams = z.strictObject({ workspaceId: z.uuid(), endpointId: z.uuid() });
const deliveryParams = z.strictObject({
  workspaceId: z.uuid(),
  endpointId: z.uuid(),
  webhookDeliveryId: z.uuid(),
});
const Url = z.string().trim().min(1, 'Give the URL Chorus should send events to.').max(2000);
const Description = z.string().trim().max(500);
const Events = z
  .array(z.string().max(100))
  .min(1, 'Choose at least one event (GET /api/v1/webhook-events lists them).')
  .max(50);
const SecretResponse = z.object({
  endpoint: EndpointDto,
  /** The signing secret, shown this once. */
  secret: z.string(),
});

export const webhookRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/webhook-events',
    summary: 'Events webhook endpoints can subscribe to',
    tag: 'webhooks',
    auth: { kind: 'user' },
    response: {
      status: 200,
      schema: z.object({ events: z.array(z.object({ type: z.string(), description: z.string() })) }),
    },
    async handler({ services }) {
      return { events: services.webhooks.events() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/webhooks',
    summary: 'Webhook endpoints of a workspace (never their signing secrets)',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ endpoints: z.array(EndpointDto) }) },
    async handler({ access, services }) {
      return { endpoints: (await services.webhooks.list(access)).map(toEndpointDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/webhooks',
    summary: 'Add a webhook endpoint; its signing secret is returned this once',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: workspaceParams,
    body: z.strictObject({
      url: Url,
      description: Description.optional(),
      events: Events,
      enabled: z.boolean().optional(),
    }),
    response: { status: 201, schema: SecretResponse },
    async handler({ access, body, services, actor }) {
      const { endpoint, secret } = await services.webhooks.create(access, actor, body);
      return { endpoint: toEndpointDto(endpoint), secret };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId',
    summary: 'One webhook endpoint (never its signing secret)',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: endpointParams,
    response: { status: 200, schema: z.object({ endpoint: EndpointDto }) },
    async handler({ access, params, services }) {
      return { endpoint: toEndpointDto(await services.webhooks.get(access, params.endpointId)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId',
    summary: 'Change a webhook endpoint: URL, description, events, or enabled',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: endpointParams,
    body: z
      .strictObject({
        url: Url.optional(),
        description: Description.optional(),
        events: Events.optional(),
        enabled: z.boolean().optional(),
      })
      .refine((b) => Object.values(b).some((v) => v !== undefined), {
        message: 'Give at least one of url, description, events or enabled.',
      }),
    response: { status: 200, schema: z.object({ endpoint: EndpointDto }) },
    async handler({ access, params, body, services, actor }) {
      return {
        endpoint: toEndpointDto(await services.webhooks.update(access, actor, params.endpointId, body)),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId',
    summary: 'Delete a webhook endpoint with its secret and delivery log; pending retries stop',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: endpointParams,
    response: { status: 204 },
    async handler({ access, params, services, actor }) {
      await services.webhooks.remove(access, actor, params.endpointId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId/rotate-secret',
    summary: 'Replace the signing secret; the new one is returned this once and used from now on',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: endpointParams,
    response: { status: 200, schema: SecretResponse },
    async handler({ access, params, services, actor }) {
      const { endpoint, secret } = await services.webhooks.rotateSecret(access, actor, params.endpointId);
      return { endpoint: toEndpointDto(endpoint), secret };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId/test',
    summary: 'Send a ping event to this endpoint only; returns its delivery, which is sent in the background',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: endpointParams,
    response: { status: 201, schema: z.object({ delivery: DeliveryDto }) },
    async handler({ access, params, services }) {
      return { delivery: toDeliveryDto(await services.webhooks.test(access, params.endpointId)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId/deliveries',
    summary: 'Delivery log of an endpoint: each delivery with its attempts (newest first)',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: endpointParams,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      before: z.string().max(200).optional(),
    }),
    response: {
      status: 200,
      schema: z.object({ deliveries: z.array(DeliveryDto), nextCursor: z.string().nullable() }),
    },
    async handler({ access, params, query, services }) {
      const page = await services.webhooks.deliveries(access, params.endpointId, query);
      return { deliveries: page.deliveries.map(toDeliveryDto), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/webhooks/:endpointId/deliveries/:webhookDeliveryId/redeliver',
    summary: 'Send a failed delivery once more, now (same delivery id and payload)',
    tag: 'webhooks',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: deliveryParams,
    response: { status: 200, schema: z.object({ delivery: DeliveryDto }) },
    async handler({ access, params, services }) {
      return {
        delivery: toDeliveryDto(
          await services.webhooks.redeliver(access, params.endpointId, params.webhookDeliveryId),
        ),
      };
    },
  }),
];
