import { daysAgo } from '../../core/clock.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { newId, randomToken } from '../../core/ids.js';
import { MAX_ATTEMPTS } from './webhooks.wire.js';
import { checkDestinationUrl } from '../../egress/destination.js';
import { WebhookSender, type WebhookDeps } from './webhooks.sender.js';
import type { Actor } from '../audit/audit.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import {
  isSubscribableEvent,
  SUBSCRIBABLE_EVENTS,
  WEBHOOK_EVENTS,
  type SubscribableEvent,
  type WebhookEventData,
  type WebhookEventType,
  type WebhookPayload,
} from './events.js';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhooks.repository.js';

const SECRET_PURPOSE = 'webhook.signing_secret';
/** Signing secrets start with this, so one found in a log or a repository is recognisable. */
export const SECRET_PREFIX = 'whsec_';
const MAX_ENDPOINTS = 20;

export interface DeliveryWithAttempts extends WebhookDelivery {
  attempts: WebhookAttempt[];
}

/** How long the delivery log keeps a finished delivery (delivered or failed) and its attempts. */
export const LOG_RETENTION_DAYS = 30;

/**
 * Outbound webhooks: endpoints subscribe to events; `emit` records one delivery per subscribed endpoint with
 * the payload frozen at that moment and queues a job per delivery; the job (`WebhookSender`) sends one
 * attempt, signed, records it, and queues the next attempt after a backoff or ends the delivery.
 */
export class WebhooksService {
  constructor(private readonly deps: WebhookDeps) {
    this.sender = new WebhookSender(deps);
  }

  private readonly sender: WebhookSender;

  /** The events endpoints can subscribe to, with what each means. */
  events(): { type: SubscribableEvent; description: string }[] {
    return SUBSCRIBABLE_EVENTS.map((type) => ({ type, description: WEBHOOK_EVENTS[type] }));
  }

  list(access: WorkspaceAccess): Promise<WebhookEndpoint[]> {
    return this.deps.webhooks.listEndpoints(access.workspace.id);
  }

  async get(access: WorkspaceAccess, endpointId: string): Promise<WebhookEndpoint> {
    const endpoint = await this.deps.webhooks.findEndpoint(access.workspace.id, endpointId);
    if (!endpoint) throw notFound('Webhook endpoint');
    return endpoint;
  }

  private checkUrl(input: string): string {
    const checked = checkDestinationUrl(input, this.deps.egress);
    if (!checked.ok) throw invalid(checked.problem, { field: 'url' });
    return checked.url;
  }

  private checkEvents(input: string[]): SubscribableEvent[] {
    const unknown = input.filter((e) => !isSubscribableEvent(e));
    if (unknown.length > 0) {
      const hint = unknown.includes('ping')
        ? ' (ping needs no subscription: the test action sends it to any endpoint.)'
        : '';
      throw invalid(
        `Unknown event${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Valid events: ${SUBSCRIBABLE_EVENTS.join(', ')}.${hint}`,
        { field: 'events', unknown, valid: SUBSCRIBABLE_EVENTS },
      );
    }
    return [...new Set(input as SubscribableEvent[])];
  }

  private newSecret(): string {
    return `${SECRET_PREFIX}${randomToken(32)}`;
  }

  /** Creates an endpoint with a new signing secret, which is returned here and never again. */
  async create(
    access: WorkspaceAccess,
    actor: Actor,
    input: { url: string; description?: string | undefined; events: string[]; enabled?: boolean | undefined },
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const url = this.checkUrl(input.url);
    const events = this.checkEvents(input.events);
    if ((await this.deps.webhooks.countEndpoints(access.workspace.id)) >= MAX_ENDPOINTS) {
      throw conflict(
        `A workspace can have at most ${MAX_ENDPOINTS} webhook endpoints. Delete one you no longer use, or subscribe an existing endpoint to more events.`,
      );
    }
    const secret = this.newSecret();
    const secretId = await this.deps.vault.store({
      workspaceId: access.workspace.id,
      purpose: SECRET_PURPOSE,
      plaintext: secret,
    });
    const endpoint = await this.deps.webhooks.insertEndpoint({
      id: newId(),
      workspaceId: access.workspace.id,
      url,
      description: input.description?.trim() ?? '',
      events,
      secretId,
      enabled: input.enabled ?? true,
      createdBy: actor.userId,
      now: this.deps.clock.now(),
    });
    await this.record(actor, access, 'webhook.created', endpoint, { events, enabled: endpoint.enabled });
    return { endpoint, secret };
  }

  async update(
    access: WorkspaceAccess,
    actor: Actor,
    endpointId: string,
    patch: {
      url?: string | undefined;
      description?: string | undefined;
      events?: string[] | undefined;
      enabled?: boolean | undefined;
    },
  ): Promise<WebhookEndpoint> {
    await this.get(access, endpointId);
    const changes = {
      ...(patch.url !== undefined ? { url: this.checkUrl(patch.url) } : {}),
      ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
      ...(patch.events !== undefined ? { events: this.checkEvents(patch.events) } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    };
    const updated = await this.deps.webhooks.updateEndpoint(
      access.workspace.id,
      endpointId,
      changes,
      this.deps.clock.now(),
    );
    if (!updated) throw notFound('Webhook endpoint');
    await this.record(actor, access, 'webhook.updated', updated, {
      changed: Object.keys(changes),
      ...(changes.events ? { events: changes.events } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
    });
    return updated;
  }

  /** Deletes the endpoint with its secret and its delivery log; pending retries stop. */
  async remove(access: WorkspaceAccess, actor: Actor, endpointId: string): Promise<void> {
    const endpoint = await this.deps.webhooks.deleteEndpoint(access.workspace.id, endpointId);
    if (!endpoint) throw notFound('Webhook endpoint');
    await this.deps.vault.remove(endpoint.secretId);
    await this.record(actor, access, 'webhook.deleted', endpoint);
  }

  /** Replaces the signing secret; every request from now on (retries included) is signed with the new one. */
  async rotateSecret(
    access: WorkspaceAccess,
    actor: Actor,
    endpointId: string,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.get(access, endpointId);
    const secret = this.newSecret();
    const secretId = await this.deps.vault.store({
      workspaceId: access.workspace.id,
      purpose: SECRET_PURPOSE,
      plaintext: secret,
    });
    await this.deps.webhooks.setSecret(endpoint.id, secretId, this.deps.clock.now());
    await this.deps.vault.remove(endpoint.secretId);
    await this.record(actor, access, 'webhook.secret_rotated', endpoint);
    return { endpoint: await this.get(access, endpointId), secret };
  }

  /** Sends a `ping` event to this endpoint only; returns its delivery (queued). */
  async test(access: WorkspaceAccess, endpointId: string): Promise<DeliveryWithAttempts> {
    const endpoint = await this.get(access, endpointId);
    if (!endpoint.enabled) throw conflict('This endpoint is disabled. Enable it, then send the test again.');
    const { deliveryIds } = await this.fanOut(access.workspace.id, [endpoint], 'ping', {
      endpointId: endpoint.id,
      message: 'A test event from Chorus. Answer with a 2xx status to confirm the endpoint works.',
    });
    return this.withAttempts((await this.deps.webhooks.findDelivery(deliveryIds[0]!))!);
  }

  /**
   * Records an event for every enabled endpoint of the workspace subscribed to `type` and queues their
   * deliveries. Returns the event id (the `id` of the payload every endpoint receives). Call it after the
   * change the event reports has been committed, and not inside an open transaction: on the embedded
   * database the job engine shares the one connection. Never throws because a job could not be queued:
   * the deliveries are recorded, and the sweep queues them.
   */
  async emit<T extends SubscribableEvent>(
    workspaceId: string,
    type: T,
    data: WebhookEventData[T],
  ): Promise<string> {
    if (!isSubscribableEvent(type)) throw new Error(`Unknown webhook event type "${String(type)}".`);
    const endpoints = await this.deps.webhooks.subscribers(workspaceId, type);
    return (await this.fanOut(workspaceId, endpoints, type, data)).eventId;
  }

  /**
   * Many events of one type for one workspace (a publishing worker's batch): the subscribers are read once,
   * and nothing more happens when there are none. Returns the event ids, in the order of `list`.
   */
  async emitMany<T extends SubscribableEvent>(
    workspaceId: string,
    type: T,
    list: WebhookEventData[T][],
  ): Promise<string[]> {
    if (!isSubscribableEvent(type)) throw new Error(`Unknown webhook event type "${String(type)}".`);
    if (list.length === 0) return [];
    const endpoints = await this.deps.webhooks.subscribers(workspaceId, type);
    if (endpoints.length === 0) return list.map(() => newId());
    const events = await this.fanOutMany(workspaceId, endpoints, type, list);
    return events.map((e) => e.eventId);
  }

  private async fanOut<T extends WebhookEventType>(
    workspaceId: string,
    endpoints: WebhookEndpoint[],
    type: T,
    data: WebhookEventData[T],
  ): Promise<{ eventId: string; deliveryIds: string[] }> {
    return (await this.fanOutMany(workspaceId, endpoints, type, [data]))[0]!;
  }

  private async fanOutMany<T extends WebhookEventType>(
    workspaceId: string,
    endpoints: WebhookEndpoint[],
    type: T,
    list: WebhookEventData[T][],
  ): Promise<{ eventId: string; deliveryIds: string[] }[]> {
    const now = this.deps.clock.now();
    const events = list.map((data) => {
      const eventId = newId();
      const payload: WebhookPayload<T> = {
        id: eventId,
        type,
        createdAt: now.toISOString(),
        workspaceId,
        data,
      };
      const rows = endpoints.map((endpoint) => ({
        id: newId(),
        endpointId: endpoint.id,
        workspaceId,
        eventId,
        eventType: type,
        payload: payload as unknown as Record<string, unknown>,
        maxAttempts: MAX_ATTEMPTS,
        now,
      }));
      return { eventId, rows };
    });
    const rows = events.flatMap((e) => e.rows);
    if (rows.length > 0) await this.deps.webhooks.insertDeliveries(rows);
    for (const row of rows) await this.sender.queue(row.id, 1);
    return events.map((e) => ({ eventId: e.eventId, deliveryIds: e.rows.map((r) => r.id) }));
  }

  /** An endpoint's deliveries with their attempts, newest first. */
  async deliveries(
    access: WorkspaceAccess,
    endpointId: string,
    options: { limit: number; before?: string | undefined },
  ): Promise<{ deliveries: DeliveryWithAttempts[]; nextCursor: string | null }> {
    const endpoint = await this.get(access, endpointId);
    const before = options.before ? decodeCursor(options.before, 'deliveries') : undefined;
    const rows = await this.deps.webhooks.listDeliveries(endpoint.id, {
      limit: options.limit + 1,
      ...(before ? { before } : {}),
    });
    const page = rows.slice(0, options.limit);
    const attempts = await this.deps.webhooks.attemptsOf(page.map((d) => d.id));
    const last = page.at(-1);
    return {
      deliveries: page.map((d) => ({ ...d, attempts: attempts.filter((a) => a.deliveryId === d.id) })),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** Sends a failed delivery once more, now, with the same delivery id and payload. */
  async redeliver(
    access: WorkspaceAccess,
    endpointId: string,
    deliveryId: string,
  ): Promise<DeliveryWithAttempts> {
    const endpoint = await this.get(access, endpointId);
    const delivery = await this.deps.webhooks.findDeliveryOf(access.workspace.id, endpoint.id, deliveryId);
    if (!delivery) throw notFound('Webhook delivery');
    if (!endpoint.enabled) throw conflict('This endpoint is disabled. Enable it, then redeliver.');
    if (delivery.status !== 'failed') {
      throw conflict(
        delivery.status === 'pending'
          ? 'This delivery is still being attempted; only failed deliveries can be redelivered.'
          : 'This delivery was already delivered; only failed deliveries can be redelivered.',
      );
    }
    const reopened = await this.deps.webhooks.reopen(delivery.id, this.deps.clock.now());
    if (!reopened) throw conflict('This delivery changed meanwhile. Reload the delivery log and try again.');
    await this.sender.queue(reopened.id, reopened.attemptCount + 1);
    return this.withAttempts(reopened);
  }

  private async withAttempts(delivery: WebhookDelivery): Promise<DeliveryWithAttempts> {
    return { ...delivery, attempts: await this.deps.webhooks.attemptsOf([delivery.id]) };
  }

  /** The job: sends attempt `attempt` of a delivery (see `WebhookSender.deliver`). */
  deliver(job: { deliveryId: string; attempt: number }): Promise<Record<string, unknown>> {
    return this.sender.deliver(job);
  }

  /** The daily job: the delivery log keeps finished deliveries for `LOG_RETENTION_DAYS`. */
  async deleteOldDeliveries(days = LOG_RETENTION_DAYS): Promise<{ deleted: number }> {
    return { deleted: await this.deps.webhooks.deleteFinishedBefore(daysAgo(this.deps.clock, days)) };
  }

  /** Queues the attempts that should be running but are not (see `WebhookSender.sweep`). */
  sweep(): Promise<{ queued: number }> {
    return this.sender.sweep();
  }

  private async record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    endpoint: WebhookEndpoint,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    await this.deps.audit.record(actor, {
      action,
      organizationId: access.workspace.organizationId,
      workspaceId: access.workspace.id,
      targetType: 'webhook_endpoint',
      targetId: endpoint.id,
      // The host only: a URL's path or query may carry a token of the receiver's.
      data: { host: new URL(endpoint.url).host, ...data },
    });
  }
}
