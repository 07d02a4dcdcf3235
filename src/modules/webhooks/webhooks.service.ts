import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { newId, randomToken } from '../../core/ids.js';
import {
  clean,
  describeStatus,
  excerptOf,
  MAX_ATTEMPTS,
  outcomeOf,
  parseRetryAfter,
} from './webhooks.wire.js';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../core/signature.js';
import { inTransaction } from '../../db/repositories.js';
import type { DB } from '../../db/schema.js';
import { checkDestinationUrl } from '../../egress/destination.js';
import { EgressError, safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import type { JobSender } from '../../jobs/queue.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { VaultService } from '../vault/vault.service.js';
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
import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhooksRepository,
} from './webhooks.repository.js';

const SECRET_PURPOSE = 'webhook.signing_secret';
/** Signing secrets start with this, so one found in a log or a repository is recognisable. */
export const SECRET_PREFIX = 'whsec_';
const REQUEST_TIMEOUT_MS = 10_000;
/** How long a worker holds an attempt; after that another may take it over (the first one died). */
const LOCK_MS = 60_000;
/** How late a due attempt must be, with nobody sending it, before the sweep queues it again. */
const SWEEP_GRACE_MS = 5 * 60_000;
/** Read at most this much of an answer (the rest is not needed for the excerpt). */
const READ_BYTES = 64 * 1024;
const MAX_ENDPOINTS = 20;
export const USER_AGENT = 'Chorus-Webhooks';

/** Who acts when Chorus itself disables an endpoint (the receiver answered 410 Gone). */
const WEBHOOK_ACTOR: Actor = { userId: null, tokenId: null, ip: null, userAgent: USER_AGENT };

export interface DeliveryWithAttempts extends WebhookDelivery {
  attempts: WebhookAttempt[];
}

/**
 * Outbound webhooks: endpoints subscribe to events; `emit` records one delivery per subscribed endpoint with
 * the payload frozen at that moment and queues a job per delivery; `deliver` (the job) sends one attempt,
 * signed, records it, and queues the next attempt after a backoff or ends the delivery.
 */
export class WebhooksService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      webhooks: WebhooksRepository;
      vault: VaultService;
      audit: AuditService;
      jobs: JobSender;
      clock: Clock;
      logger: Logger;
      egress: EgressPolicy;
    },
  ) {}

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
    for (const row of rows) await this.queue(row.id, 1);
    return events.map((e) => ({ eventId: e.eventId, deliveryIds: e.rows.map((r) => r.id) }));
  }

  /** Queues an attempt; a failure is logged, not thrown: the delivery is recorded and the sweep finds it. */
  private async queue(deliveryId: string, attempt: number, startAfter?: Date): Promise<void> {
    try {
      await this.deps.jobs.send(
        'webhooks.deliver.v1',
        { deliveryId, attempt },
        startAfter ? { startAfter } : {},
      );
    } catch (error) {
      this.deps.logger.warn(
        { err: (error as Error).message, deliveryId, attempt },
        'could not queue a webhook delivery; the sweep will queue it',
      );
    }
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
    await this.queue(reopened.id, reopened.attemptCount + 1);
    return this.withAttempts(reopened);
  }

  private async withAttempts(delivery: WebhookDelivery): Promise<DeliveryWithAttempts> {
    return { ...delivery, attempts: await this.deps.webhooks.attemptsOf([delivery.id]) };
  }

  /**
   * The job: sends attempt `attempt` of a delivery. Safe to run twice or concurrently: the attempt is taken
   * with a conditional update first, and a delivery that is done, not due, or held by another worker is
   * left alone.
   */
  async deliver(job: { deliveryId: string; attempt: number }): Promise<Record<string, unknown>> {
    const now = this.deps.clock.now();
    const delivery = await this.deps.webhooks.findDelivery(job.deliveryId);
    if (!delivery) return { skipped: 'the delivery no longer exists' };
    if (delivery.status !== 'pending') return { skipped: `the delivery is ${delivery.status}` };
    if (delivery.nextAttemptAt && delivery.nextAttemptAt > now && job.attempt === delivery.attemptCount + 1) {
      // Started early (clocks differ slightly): run again when it is due.
      await this.queue(delivery.id, job.attempt, delivery.nextAttemptAt);
      return { skipped: 'not due yet; queued again' };
    }
    const endpoint = await this.deps.webhooks.findEndpointById(delivery.endpointId);
    if (!endpoint) return { skipped: 'the endpoint no longer exists' };
    if (!endpoint.enabled) {
      await this.deps.webhooks.abandon(
        delivery.id,
        'Not sent: the endpoint is disabled. Enable it and redeliver.',
        now,
      );
      return { skipped: 'the endpoint is disabled' };
    }
    const claimed = await this.deps.webhooks.claim(
      delivery.id,
      job.attempt,
      now,
      new Date(now.getTime() + LOCK_MS),
    );
    if (!claimed) return { skipped: 'the attempt was already made or is being made' };
    const secret = await this.deps.vault.reveal(endpoint.secretId);
    if (!secret) throw new Error(`The signing secret of webhook endpoint ${endpoint.id} is missing.`);

    const sent = await this.send(endpoint, claimed, secret);
    const finishedAt = this.deps.clock.now();
    const outcome = outcomeOf(claimed, job.attempt, sent, finishedAt);
    const recorded = await inTransaction(this.deps.db, async (repos) => {
      await repos.webhooks.insertAttempt({
        id: newId(),
        deliveryId: claimed.id,
        attempt: job.attempt,
        startedAt: sent.startedAt,
        durationMs: sent.durationMs,
        statusCode: sent.statusCode,
        error: sent.error,
        responseExcerpt: sent.excerpt,
      });
      const held = await repos.webhooks.finishAttempt(
        claimed.id,
        job.attempt,
        { statusCode: sent.statusCode, error: sent.error, now: finishedAt },
        outcome,
      );
      if (!held) throw new LostLock();
      return true;
    }).catch((error: unknown) => {
      if (error instanceof LostLock) return false;
      throw error;
    });
    if (!recorded) return { skipped: 'another worker took the attempt over' };
    this.deps.logger.info(
      { deliveryId: claimed.id, attempt: job.attempt, status: sent.statusCode, outcome: outcome.status },
      'webhook attempt',
    );
    if (sent.statusCode === 410) await this.disableGone(endpoint, finishedAt);
    if (outcome.status === 'pending') await this.queue(claimed.id, job.attempt + 1, outcome.nextAttemptAt);
    return { attempt: job.attempt, statusCode: sent.statusCode, outcome: outcome.status };
  }

  /** One signed POST of the frozen payload; never throws for what the receiver or the network did. */
  private async send(endpoint: WebhookEndpoint, delivery: WebhookDelivery, secret: string) {
    const body = JSON.stringify(delivery.payload);
    const startedAt = this.deps.clock.now();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let excerpt: string | null = null;
    let retryAfterMs: number | undefined;
    try {
      const res = await safeFetch(
        endpoint.url,
        {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'x-chorus-event': delivery.eventType,
            'x-chorus-delivery': delivery.id,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
          },
          timeoutMs: REQUEST_TIMEOUT_MS,
          maxBytes: READ_BYTES,
          oversize: 'truncate',
          redirect: 'manual',
        },
        this.deps.egress,
      );
      statusCode = res.status;
      excerpt = excerptOf(res.body, secret);
      error = describeStatus(res.status, res.headers.location);
      if (res.status === 429 || res.status === 503) {
        retryAfterMs = parseRetryAfter(res.headers['retry-after'], startedAt);
      }
    } catch (caught) {
      error =
        caught instanceof EgressError || caught instanceof AppError
          ? caught.message
          : `Could not send the request: ${(caught as Error).message}`;
    }
    return {
      startedAt,
      durationMs: Math.max(0, Math.round(performance.now() - started)),
      statusCode,
      error: error === null ? null : clean(error).slice(0, 1000),
      excerpt,
      retryAfterMs,
    };
  }

  /** The receiver answered 410 Gone: it asks not to be called again, so the endpoint is disabled. */
  private async disableGone(endpoint: WebhookEndpoint, now: Date): Promise<void> {
    const reason = `The endpoint answered 410 Gone on ${now.toISOString()}, so Chorus stopped sending to it. Enable it again once the URL works.`;
    if (!(await this.deps.webhooks.disableEndpoint(endpoint.id, reason, now))) return;
    this.deps.logger.info(
      { endpointId: endpoint.id },
      'webhook endpoint disabled: the receiver answered 410',
    );
    await this.deps.audit.record(WEBHOOK_ACTOR, {
      action: 'webhook.disabled',
      workspaceId: endpoint.workspaceId,
      targetType: 'webhook_endpoint',
      targetId: endpoint.id,
      data: { reason: 'gone' },
    });
  }

  /**
   * Queues the attempts that should be running but are not: due for a while with no worker on them (their
   * job was lost), or held by a worker whose lock ran out (it died mid-attempt). Duplicates are harmless.
   */
  async sweep(): Promise<{ queued: number }> {
    const now = this.deps.clock.now();
    const due = await this.deps.webhooks.overdue(now, new Date(now.getTime() - SWEEP_GRACE_MS), 500);
    for (const d of due) await this.queue(d.id, d.lockedUntil ? d.attemptCount : d.attemptCount + 1);
    return { queued: due.length };
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

class LostLock extends Error {}
