import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import {
  DELIVERY_COLUMNS,
  ENDPOINT_COLUMNS,
  toDelivery,
  toEndpoint,
  type AttemptOutcome,
  type DeliveryStatus,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhooks.rows.js';
import { olderThan } from '../../db/keyset.js';

export type { AttemptOutcome, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint };

export class WebhooksRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insertEndpoint(e: {
    id: string;
    workspaceId: string;
    url: string;
    description: string;
    events: string[];
    secretId: string;
    enabled: boolean;
    createdBy: string | null;
    now: Date;
  }): Promise<WebhookEndpoint> {
    const row = await this.db
      .insertInto('webhook_endpoints')
      .values({
        id: e.id,
        workspace_id: e.workspaceId,
        url: e.url,
        description: e.description,
        events: e.events,
        secret_id: e.secretId,
        enabled: e.enabled,
        created_by: e.createdBy,
        created_at: e.now,
        updated_at: e.now,
      })
      .returning(ENDPOINT_COLUMNS)
      .executeTakeFirstOrThrow();
    return toEndpoint(row);
  }

  async listEndpoints(workspaceId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toEndpoint);
  }

  async countEndpoints(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async findEndpoint(workspaceId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  /** For the delivery job, which has only the delivery's endpoint id. */
  async findEndpointById(id: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  /** Enabled endpoints of the workspace subscribed to `eventType`. */
  async subscribers(workspaceId: string, eventType: string): Promise<WebhookEndpoint[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('enabled', '=', true)
      .where(sql<boolean>`${eventType} = ANY(events)`)
      .orderBy('created_at')
      .execute();
    return rows.map(toEndpoint);
  }

  async updateEndpoint(
    workspaceId: string,
    id: string,
    patch: {
      url?: string;
      description?: string;
      events?: string[];
      enabled?: boolean;
    },
    now: Date,
  ): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set({
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.events !== undefined ? { events: patch.events } : {}),
        // Enabling clears why it was disabled; disabling by hand records no reason.
        ...(patch.enabled === true ? { enabled: true, disabled_reason: null, disabled_at: null } : {}),
        ...(patch.enabled === false ? { enabled: false, disabled_reason: null, disabled_at: now } : {}),
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returning(ENDPOINT_COLUMNS)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  /** Disables an enabled endpoint with a reason; false when it was already disabled. */
  async disableEndpoint(id: string, reason: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_endpoints')
      .set({ enabled: false, disabled_reason: reason, disabled_at: now, updated_at: now })
      .where('id', '=', id)
      .where('enabled', '=', true)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async setSecret(id: string, secretId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({ secret_id: secretId, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the endpoint (its deliveries and attempts go with it); returns it, or undefined. */
  async deleteEndpoint(workspaceId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .deleteFrom('webhook_endpoints')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returning(ENDPOINT_COLUMNS)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async insertDeliveries(
    rows: {
      id: string;
      endpointId: string;
      workspaceId: string;
      eventId: string;
      eventType: string;
      payload: Record<string, unknown>;
      maxAttempts: number;
      now: Date;
    }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        rows.map((d) => ({
          id: d.id,
          endpoint_id: d.endpointId,
          workspace_id: d.workspaceId,
          event_id: d.eventId,
          event_type: d.eventType,
          payload: JSON.stringify(d.payload),
          status: 'pending' as const,
          attempt_count: 0,
          max_attempts: d.maxAttempts,
          next_attempt_at: d.now,
          created_at: d.now,
          updated_at: d.now,
        })),
      )
      .execute();
  }

  async findDelivery(id: string): Promise<WebhookDelivery | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select(DELIVERY_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async findDeliveryOf(
    workspaceId: string,
    endpointId: string,
    id: string,
  ): Promise<WebhookDelivery | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select(DELIVERY_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  /** An endpoint's deliveries, newest first, before a (created_at, id) cursor. */
  async listDeliveries(
    endpointId: string,
    options: { limit: number; before?: { createdAt: Date; id: string } },
  ): Promise<WebhookDelivery[]> {
    let q = this.db
      .selectFrom('webhook_deliveries')
      .select(DELIVERY_COLUMNS)
      .where('endpoint_id', '=', endpointId);
    const before = options.before;
    if (before) {
      q = q.where(olderThan(before));
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toDelivery);
  }

  async attemptsOf(deliveryIds: string[]): Promise<WebhookAttempt[]> {
    if (deliveryIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('delivery_id')
      .orderBy('attempt')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      deliveryId: r.delivery_id,
      attempt: r.attempt,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      statusCode: r.status_code,
      error: r.error,
      responseExcerpt: r.response_excerpt,
    }));
  }

  /**
   * Takes attempt `attempt` of a pending, due delivery for this worker, in one conditional statement, so
   * two workers (or a job run twice) can never send the same attempt: it succeeds only when the previous
   * attempt is finished and nobody holds the delivery, or when the worker that held this attempt let its
   * lock run out (it died mid-attempt).
   */
  async claim(
    id: string,
    attempt: number,
    now: Date,
    lockedUntil: Date,
  ): Promise<WebhookDelivery | undefined> {
    const row = await this.db
      .updateTable('webhook_deliveries')
      .set({ attempt_count: attempt, locked_until: lockedUntil, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where(sql<boolean>`${attempt} <= max_attempts`)
      .where((eb) =>
        eb.or([
          eb.and([eb('attempt_count', '=', attempt - 1), eb('locked_until', 'is', null)]),
          eb.and([eb('attempt_count', '=', attempt), eb('locked_until', '<=', now)]),
        ]),
      )
      .returning(DELIVERY_COLUMNS)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async insertAttempt(a: Omit<WebhookAttempt, 'id'> & { id: string }): Promise<void> {
    await this.db
      .insertInto('webhook_attempts')
      .values({
        id: a.id,
        delivery_id: a.deliveryId,
        attempt: a.attempt,
        started_at: a.startedAt,
        duration_ms: a.durationMs,
        status_code: a.statusCode,
        error: a.error,
        response_excerpt: a.responseExcerpt,
      })
      .execute();
  }

  /** Records the outcome of the attempt this worker holds; false when it no longer holds it. */
  async finishAttempt(
    id: string,
    attempt: number,
    result: { statusCode: number | null; error: string | null; now: Date },
    outcome: AttemptOutcome,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        locked_until: null,
        last_status_code: result.statusCode,
        last_error: result.error,
        next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
        ...(outcome.status === 'delivered' ? { delivered_at: outcome.now } : {}),
        updated_at: result.now,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempt_count', '=', attempt)
      .where('locked_until', 'is not', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Ends a pending delivery without sending it (its endpoint was disabled), unless a worker holds it. */
  async abandon(id: string, reason: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: reason, next_attempt_at: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Allows one more attempt of a failed delivery, due now; undefined when it is not failed. */
  async reopen(id: string, now: Date): Promise<WebhookDelivery | undefined> {
    const row = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'pending',
        max_attempts: sql<number>`attempt_count + 1`,
        next_attempt_at: now,
        locked_until: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .returning(DELIVERY_COLUMNS)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  /** Deletes finished deliveries created before `cutoff` (their attempts go with them); pending ones stay. */
  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed'])
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /**
   * Pending deliveries whose next attempt should have started by `dueBefore` but nobody is sending, and
   * those whose worker let its lock run out: their job was lost (a crash, a restored backup).
   */
  async overdue(
    now: Date,
    dueBefore: Date,
    limit: number,
  ): Promise<{ id: string; attemptCount: number; lockedUntil: Date | null; nextAttemptAt: Date | null }[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'attempt_count', 'locked_until', 'next_attempt_at'])
      .where('status', '=', 'pending')
      .where((eb) =>
        eb.or([
          eb.and([eb('locked_until', 'is', null), eb('next_attempt_at', '<=', dueBefore)]),
          eb('locked_until', '<=', now),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      attemptCount: r.attempt_count,
      lockedUntil: r.locked_until,
      nextAttemptAt: r.next_attempt_at,
    }));
  }
}
