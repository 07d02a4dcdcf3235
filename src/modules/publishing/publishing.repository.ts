import { sql, type Kysely } from 'kysely';
import type { AttemptOutcome, DB, DeliveryState } from '../../db/schema.js';

export type { DeliveryState };

export interface Post {
  id: string;
  workspaceId: string;
  body: string;
  approved: boolean;
  scheduledAt: Date | null;
  scheduleLocal: string | null;
  scheduleZone: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface Variant {
  id: string;
  postId: string;
  channelId: string;
  body: string | null;
  thread: string[];
  options: Record<string, unknown>;
}

export interface Delivery {
  id: string;
  workspaceId: string;
  postId: string;
  variantId: string;
  channelId: string;
  state: DeliveryState;
  stateReason: string | null;
  dueAt: Date;
  nextAttemptAt: Date | null;
  idempotencyKey: string;
  attempts: number;
  sendingSince: Date | null;
  firstSentAt: Date | null;
  remoteId: string | null;
  remoteUrl: string | null;
  publishedAt: Date | null;
  latenessMs: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  updatedAt: Date;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  number: number;
  startedAt: Date;
  finishedAt: Date | null;
  request: Record<string, unknown>;
  outcome: AttemptOutcome | null;
  errorKind: string | null;
  errorMessage: string | null;
  remoteId: string | null;
  remoteUrl: string | null;
}

export type PauseScope = 'global' | 'workspace' | 'channel';

type PostRow = {
  id: string;
  workspace_id: string;
  body: string;
  approved: boolean;
  scheduled_at: Date | null;
  schedule_local: string | null;
  schedule_zone: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
};
const toPost = (r: PostRow): Post => ({
  id: r.id,
  workspaceId: r.workspace_id,
  body: r.body,
  approved: r.approved,
  scheduledAt: r.scheduled_at,
  scheduleLocal: r.schedule_local,
  scheduleZone: r.schedule_zone,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

type DeliveryRow = {
  id: string;
  workspace_id: string;
  post_id: string;
  variant_id: string;
  channel_id: string;
  state: DeliveryState;
  state_reason: string | null;
  due_at: Date;
  next_attempt_at: Date | null;
  idempotency_key: string;
  attempts: number;
  sending_since: Date | null;
  first_sent_at: Date | null;
  remote_id: string | null;
  remote_url: string | null;
  published_at: Date | null;
  lateness_ms: number | null;
  error_kind: string | null;
  error_message: string | null;
  updated_at: Date;
};
const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  workspaceId: r.workspace_id,
  postId: r.post_id,
  variantId: r.variant_id,
  channelId: r.channel_id,
  state: r.state,
  stateReason: r.state_reason,
  dueAt: r.due_at,
  nextAttemptAt: r.next_attempt_at,
  idempotencyKey: r.idempotency_key,
  attempts: r.attempts,
  sendingSince: r.sending_since,
  firstSentAt: r.first_sent_at,
  remoteId: r.remote_id,
  remoteUrl: r.remote_url,
  publishedAt: r.published_at,
  latenessMs: r.lateness_ms,
  errorKind: r.error_kind,
  errorMessage: r.error_message,
  updatedAt: r.updated_at,
});

const DELIVERY_COLUMNS = [
  'id',
  'workspace_id',
  'post_id',
  'variant_id',
  'channel_id',
  'state',
  'state_reason',
  'due_at',
  'next_attempt_at',
  'idempotency_key',
  'attempts',
  'sending_since',
  'first_sent_at',
  'remote_id',
  'remote_url',
  'published_at',
  'lateness_ms',
  'error_kind',
  'error_message',
  'updated_at',
] as const;

const POST_COLUMNS = [
  'id',
  'workspace_id',
  'body',
  'approved',
  'scheduled_at',
  'schedule_local',
  'schedule_zone',
  'created_by',
  'created_at',
  'updated_at',
  'deleted_at',
] as const;

/** What a claimed delivery needs to be sent: its text and the channel to send it through. */
export interface ClaimedDelivery {
  delivery: Delivery;
  text: string;
  thread: string[];
  options: Record<string, unknown>;
  attemptId: string;
}

/** States a person or the engine may still change before the delivery is sent. */
export const WAITING_STATES: readonly DeliveryState[] = ['scheduled', 'paused'];

export class PublishingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  // --- posts ---------------------------------------------------------------------------------------

  async insertPost(p: Omit<Post, 'createdAt' | 'updatedAt' | 'deletedAt'> & { now: Date }): Promise<void> {
    await this.db
      .insertInto('posts')
      .values({
        id: p.id,
        workspace_id: p.workspaceId,
        body: p.body,
        approved: p.approved,
        scheduled_at: p.scheduledAt,
        schedule_local: p.scheduleLocal,
        schedule_zone: p.scheduleZone,
        created_by: p.createdBy,
        updated_at: p.now,
      })
      .execute();
  }

  async updatePost(
    id: string,
    changes: {
      body?: string;
      scheduledAt?: Date | null;
      scheduleLocal?: string | null;
      scheduleZone?: string | null;
    },
    now: Date,
  ): Promise<void> {
    await this.db
      .updateTable('posts')
      .set({
        ...(changes.body !== undefined ? { body: changes.body } : {}),
        ...(changes.scheduledAt !== undefined ? { scheduled_at: changes.scheduledAt } : {}),
        ...(changes.scheduleLocal !== undefined ? { schedule_local: changes.scheduleLocal } : {}),
        ...(changes.scheduleZone !== undefined ? { schedule_zone: changes.scheduleZone } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async findPost(workspaceId: string, id: string): Promise<Post | undefined> {
    const row = await this.db
      .selectFrom('posts')
      .select(POST_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toPost(row);
  }

  async listPosts(
    workspaceId: string,
    options: { limit: number; before?: Date | undefined; state?: DeliveryState | undefined },
  ): Promise<Post[]> {
    let q = this.db
      .selectFrom('posts')
      .select(POST_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null);
    if (options.before) q = q.where('created_at', '<', options.before);
    if (options.state) {
      const state = options.state;
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('deliveries')
            .select('deliveries.id')
            .whereRef('deliveries.post_id', '=', 'posts.id')
            .where('deliveries.state', '=', state),
        ),
      );
    }
    const rows = await q.orderBy('created_at', 'desc').limit(options.limit).execute();
    return rows.map(toPost);
  }

  /** Marks the post deleted and cancels whatever has not started sending; returns what is in flight. */
  async deletePost(id: string, now: Date): Promise<{ cancelled: number; inFlight: number }> {
    await this.db
      .updateTable('posts')
      .set({ deleted_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    const cancelled = await this.db
      .updateTable('deliveries')
      .set({ state: 'cancelled', state_reason: 'The post was deleted.', updated_at: now })
      .where('post_id', '=', id)
      .where('state', 'in', [...WAITING_STATES, 'failed'])
      .executeTakeFirst();
    const inFlight = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('post_id', '=', id)
      .where('state', 'in', ['sending', 'unconfirmed'])
      .executeTakeFirstOrThrow();
    return { cancelled: Number(cancelled.numUpdatedRows), inFlight: Number(inFlight.n) };
  }

  // --- variants ------------------------------------------------------------------------------------

  async upsertVariant(v: Variant): Promise<string> {
    const row = await this.db
      .insertInto('post_variants')
      .values({
        id: v.id,
        post_id: v.postId,
        channel_id: v.channelId,
        body: v.body,
        thread: JSON.stringify(v.thread),
        options: JSON.stringify(v.options),
      })
      .onConflict((oc) =>
        oc.columns(['post_id', 'channel_id']).doUpdateSet({
          body: v.body,
          thread: JSON.stringify(v.thread),
          options: JSON.stringify(v.options),
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async variants(postIds: readonly string[]): Promise<Variant[]> {
    if (postIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('post_variants')
      .selectAll()
      .where('post_id', 'in', postIds)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      postId: r.post_id,
      channelId: r.channel_id,
      body: r.body,
      thread: r.thread,
      options: r.options,
    }));
  }

  // --- deliveries ----------------------------------------------------------------------------------

  async insertDelivery(d: {
    id: string;
    workspaceId: string;
    postId: string;
    variantId: string;
    channelId: string;
    dueAt: Date;
    idempotencyKey: string;
    now: Date;
  }): Promise<void> {
    await this.db
      .insertInto('deliveries')
      .values({
        id: d.id,
        workspace_id: d.workspaceId,
        post_id: d.postId,
        variant_id: d.variantId,
        channel_id: d.channelId,
        state: 'scheduled',
        due_at: d.dueAt,
        idempotency_key: d.idempotencyKey,
        updated_at: d.now,
      })
      .execute();
  }

  async deliveries(postIds: readonly string[]): Promise<Delivery[]> {
    if (postIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('post_id', 'in', postIds)
      .orderBy('due_at')
      .execute();
    return rows.map(toDelivery);
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async workspaceDelivery(workspaceId: string, id: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  /** Deliveries that need a person: failed, unconfirmed or paused (or only `states`), oldest due first. */
  async attention(workspaceId: string, states: readonly DeliveryState[], limit: number): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('state', 'in', states)
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  async attempts(deliveryIds: readonly string[]): Promise<Attempt[]> {
    if (deliveryIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('number')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      deliveryId: r.delivery_id,
      number: r.number,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      request: r.request,
      outcome: r.outcome,
      errorKind: r.error_kind,
      errorMessage: r.error_message,
      remoteId: r.remote_id,
      remoteUrl: r.remote_url,
    }));
  }

  /** Moves a waiting delivery to a new due time (an edit, a resume, a retry); never one being sent. */
  async reschedule(
    ids: readonly string[],
    dueAt: Date,
    now: Date,
    from: readonly DeliveryState[],
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .updateTable('deliveries')
      .set({
        state: 'scheduled',
        state_reason: null,
        due_at: dueAt,
        next_attempt_at: null,
        error_kind: null,
        error_message: null,
        updated_at: now,
      })
      .where('id', 'in', ids)
      .where('state', 'in', from)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async cancelDeliveries(postId: string, channelIds: readonly string[], now: Date): Promise<void> {
    if (channelIds.length === 0) return;
    await this.db
      .updateTable('deliveries')
      .set({ state: 'cancelled', state_reason: 'The channel was removed from the post.', updated_at: now })
      .where('post_id', '=', postId)
      .where('channel_id', 'in', channelIds)
      .where('state', 'in', WAITING_STATES)
      .execute();
  }

  /**
   * The only way into `sending`: one conditional update, so two workers can never both send. Only a
   * scheduled delivery that is due, whose post is approved and not deleted, whose channel is connected
   * and which no pause covers is taken; its attempt is recorded in the same transaction, before any
   * request leaves.
   */
  async claim(id: string, now: Date, attemptId: string): Promise<ClaimedDelivery | undefined> {
    return (await this.claimMany([id], now, () => attemptId))[0];
  }

  /** Claims many deliveries in one statement (a worker's batch); see `claim`. */
  async claimMany(ids: readonly string[], now: Date, newAttemptId: () => string): Promise<ClaimedDelivery[]> {
    if (ids.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('deliveries as d')
        .set({
          state: 'sending',
          state_reason: null,
          sending_since: now,
          first_sent_at: sql<Date>`COALESCE(d.first_sent_at, ${now})`,
          attempts: sql<number>`d.attempts + 1`,
          updated_at: now,
        })
        .where('d.id', 'in', ids)
        .where('d.state', '=', 'scheduled')
        .where('d.due_at', '<=', now)
        .where((eb) => eb.or([eb('d.next_attempt_at', 'is', null), eb('d.next_attempt_at', '<=', now)]))
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('posts as p')
              .select('p.id')
              .whereRef('p.id', '=', 'd.post_id')
              .where('p.deleted_at', 'is', null)
              .where('p.approved', '=', true),
          ),
        )
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('channels as c')
              .select('c.id')
              .whereRef('c.id', '=', 'd.channel_id')
              .where('c.status', '=', 'connected'),
          ),
        )
        .where(({ not, exists, selectFrom, eb }) =>
          not(
            exists(
              selectFrom('publishing_pauses as pp')
                .select('pp.id')
                .where((w) =>
                  w.or([
                    w('pp.scope', '=', 'global'),
                    w.and([w('pp.scope', '=', 'workspace'), w('pp.scope_id', '=', eb.ref('d.workspace_id'))]),
                    w.and([w('pp.scope', '=', 'channel'), w('pp.scope_id', '=', eb.ref('d.channel_id'))]),
                  ]),
                ),
            ),
          ),
        )
        .returning(DELIVERY_COLUMNS.map((c) => `d.${c}` as const))
        .execute();
      if (rows.length === 0) return [];
      const deliveries = rows.map((r) => toDelivery(r as DeliveryRow));
      const contents = await trx
        .selectFrom('post_variants as v')
        .innerJoin('posts as p', 'p.id', 'v.post_id')
        .select(['v.id', 'v.body as variantBody', 'p.body as postBody', 'v.thread', 'v.options'])
        .where(
          'v.id',
          'in',
          deliveries.map((d) => d.variantId),
        )
        .execute();
      const byVariant = new Map(contents.map((c) => [c.id, c]));
      const claimed = deliveries.map((delivery) => {
        const content = byVariant.get(delivery.variantId)!;
        return {
          delivery,
          text: content.variantBody ?? content.postBody,
          thread: content.thread,
          options: content.options,
          attemptId: newAttemptId(),
        };
      });
      await trx
        .insertInto('delivery_attempts')
        .values(
          claimed.map((c) => ({
            id: c.attemptId,
            delivery_id: c.delivery.id,
            number: sql<number>`(SELECT COALESCE(MAX(number), 0) + 1 FROM delivery_attempts WHERE delivery_id = ${c.delivery.id})`,
            started_at: now,
            request: JSON.stringify({
              text: c.text,
              threadParts: c.thread.length,
              idempotencyKey: c.delivery.idempotencyKey,
            }),
          })),
        )
        .execute();
      return claimed;
    });
  }

  /**
   * Why a due delivery could not be claimed, if something holds it: the post awaits approval, its
   * channel needs reconnecting or is disconnected, or a pause covers it. Null when nothing holds it (it was
   * taken by another worker, is not due yet, or is no longer scheduled).
   */
  async holdReason(id: string, now: Date): Promise<string | null> {
    const row = await this.db
      .selectFrom('deliveries as d')
      .innerJoin('posts as p', 'p.id', 'd.post_id')
      .innerJoin('channels as c', 'c.id', 'd.channel_id')
      .select([
        'd.state',
        'd.due_at',
        'd.next_attempt_at',
        'p.approved',
        'p.deleted_at',
        'c.status as channelStatus',
        'c.name as channelName',
        'd.workspace_id',
        'd.channel_id',
      ])
      .where('d.id', '=', id)
      .executeTakeFirst();
    if (!row || row.state !== 'scheduled' || row.due_at > now) return null;
    if (row.next_attempt_at && row.next_attempt_at > now) return null;
    if (row.deleted_at) return null;
    const pause = await this.db
      .selectFrom('publishing_pauses')
      .select(['scope', 'reason'])
      .where((w) =>
        w.or([
          w('scope', '=', 'global'),
          w.and([w('scope', '=', 'workspace'), w('scope_id', '=', row.workspace_id)]),
          w.and([w('scope', '=', 'channel'), w('scope_id', '=', row.channel_id)]),
        ]),
      )
      .orderBy('paused_at')
      .executeTakeFirst();
    if (pause) {
      const where =
        pause.scope === 'global'
          ? 'Publishing is paused for everyone'
          : pause.scope === 'workspace'
            ? 'Publishing is paused for this workspace'
            : `Publishing to ${row.channelName} is paused`;
      return `${where}${pause.reason ? ` (${pause.reason})` : ''}. Resume it to send.`;
    }
    if (row.channelStatus === 'needs_reconnect')
      return `${row.channelName} needs reconnecting. Reconnect it in Settings → Channels; the post waits.`;
    if (row.channelStatus === 'disconnected')
      return `${row.channelName} is disconnected. Reconnect it in Settings → Channels; the post waits.`;
    if (!row.approved) return 'The post is waiting for approval.';
    return null;
  }

  async hold(id: string, reason: string, now: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('deliveries')
      .set({ state: 'paused', state_reason: reason, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Ends an attempt and moves the delivery out of `sending` — only if it is still the one sending. */
  async finish(
    claimed: { deliveryId: string; attemptId: string },
    outcome: {
      state: DeliveryState;
      attemptOutcome: AttemptOutcome;
      now: Date;
      reason?: string | null;
      remoteId?: string | null;
      remoteUrl?: string | null;
      publishedAt?: Date | null;
      latenessMs?: number | null;
      nextAttemptAt?: Date | null;
      errorKind?: string | null;
      errorMessage?: string | null;
    },
    from: DeliveryState = 'sending',
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('deliveries')
        .set({
          state: outcome.state,
          state_reason: outcome.reason ?? null,
          updated_at: outcome.now,
          next_attempt_at: outcome.nextAttemptAt ?? null,
          error_kind: outcome.errorKind ?? null,
          error_message: outcome.errorMessage ?? null,
          ...(outcome.state !== 'unconfirmed' ? { sending_since: null } : {}),
          ...(outcome.remoteId !== undefined ? { remote_id: outcome.remoteId } : {}),
          ...(outcome.remoteUrl !== undefined ? { remote_url: outcome.remoteUrl } : {}),
          ...(outcome.publishedAt !== undefined ? { published_at: outcome.publishedAt } : {}),
          ...(outcome.latenessMs !== undefined ? { lateness_ms: outcome.latenessMs } : {}),
        })
        .where('id', '=', claimed.deliveryId)
        .where('state', '=', from)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return false;
      await trx
        .updateTable('delivery_attempts')
        .set({
          finished_at: outcome.now,
          outcome: outcome.attemptOutcome,
          error_kind: outcome.errorKind ?? null,
          error_message: outcome.errorMessage ?? null,
          remote_id: outcome.remoteId ?? null,
          remote_url: outcome.remoteUrl ?? null,
        })
        .where('id', '=', claimed.attemptId)
        .execute();
      return true;
    });
  }

  /** Deliveries of a channel published since `since` (for the channel's declared rate budget). */
  async publishedSince(channelId: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('channel_id', '=', channelId)
      .where('state', '=', 'published')
      .where('published_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Puts a claimed delivery back, unsent, to wait for its channel's budget: nothing left Chorus, so the
   * claim's attempt is removed and not counted.
   */
  async defer(claimed: { deliveryId: string; attemptId: string }, until: Date, reason: string, now: Date) {
    await this.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('deliveries')
        .set({
          state: 'scheduled',
          state_reason: reason,
          next_attempt_at: until,
          sending_since: null,
          attempts: sql<number>`attempts - 1`,
          updated_at: now,
        })
        .where('id', '=', claimed.deliveryId)
        .where('state', '=', 'sending')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) {
        await trx.deleteFrom('delivery_attempts').where('id', '=', claimed.attemptId).execute();
      }
    });
  }

  /**
   * Records a batch of published deliveries in one statement per table; only deliveries still `sending`
   * (no sweeper has given up on them meanwhile) are recorded. Returns the ids recorded.
   */
  async finishPublished(
    items: readonly {
      delivery: { id: string };
      attemptId: string;
      remoteId: string | null;
      remoteUrl: string | null;
      publishedAt: Date;
      latenessMs: number;
    }[],
    now: Date,
  ): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    return this.db.transaction().execute(async (trx) => {
      const values = sql.join(
        items.map(
          (i) =>
            sql`(${i.delivery.id}::uuid, ${i.attemptId}::uuid, ${i.remoteId}::text, ${i.remoteUrl}::text, ${i.publishedAt}::timestamptz, ${i.latenessMs}::int)`,
        ),
      );
      const updated = await sql<{ id: string }>`
        UPDATE deliveries AS d SET
          state = 'published', state_reason = NULL, updated_at = ${now}, next_attempt_at = NULL,
          error_kind = NULL, error_message = NULL, sending_since = NULL,
          remote_id = v.remote_id, remote_url = v.remote_url, published_at = v.published_at,
          lateness_ms = v.lateness_ms
        FROM (VALUES ${values}) AS v(id, attempt_id, remote_id, remote_url, published_at, lateness_ms)
        WHERE d.id = v.id AND d.state = 'sending'
        RETURNING d.id`.execute(trx);
      const ids = updated.rows.map((r) => r.id);
      if (ids.length > 0) {
        await sql`
          UPDATE delivery_attempts AS a SET
            finished_at = ${now}, outcome = 'published', error_kind = NULL, error_message = NULL,
            remote_id = v.remote_id, remote_url = v.remote_url
          FROM (VALUES ${values}) AS v(id, attempt_id, remote_id, remote_url, published_at, lateness_ms)
          WHERE a.id = v.attempt_id AND v.id IN (${sql.join(ids.map((id) => sql`${id}::uuid`))})`.execute(
          trx,
        );
      }
      return new Set(ids);
    });
  }

  /**
   * Records how an unconfirmed delivery was settled (a lookup on the network, a re-send under the same key,
   * a person's word) as its own entry, so the history keeps the attempt that went unanswered.
   */
  async addSettlement(deliveryId: string, id: string, how: string, now: Date): Promise<string> {
    await this.db
      .insertInto('delivery_attempts')
      .values({
        id,
        delivery_id: deliveryId,
        number: sql<number>`(SELECT COALESCE(MAX(number), 0) + 1 FROM delivery_attempts WHERE delivery_id = ${deliveryId})`,
        started_at: now,
        request: JSON.stringify({ settlement: how }),
      })
      .execute();
    return id;
  }

  // --- the sweeper ---------------------------------------------------------------------------------

  /** Scheduled deliveries whose time (or retry time) passed more than `graceMs` ago. */
  async overdue(now: Date, graceMs: number, limit: number): Promise<string[]> {
    const before = new Date(now.getTime() - graceMs);
    const rows = await this.db
      .selectFrom('deliveries')
      .select('id')
      .where('state', '=', 'scheduled')
      .where('due_at', '<', before)
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<', before)]))
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Deliveries stuck in `sending` (a worker died mid-request) become unconfirmed: never re-sent blindly. */
  async strandSending(now: Date, olderThanMs: number): Promise<string[]> {
    const before = new Date(now.getTime() - olderThanMs);
    const rows = await this.db
      .updateTable('deliveries')
      .set({
        state: 'unconfirmed',
        state_reason:
          'The worker sending this post stopped before recording the answer. Chorus is checking whether it was published.',
        error_kind: 'unknown_outcome',
        updated_at: now,
      })
      .where('state', '=', 'sending')
      .where('sending_since', '<', before)
      .returning('id')
      .execute();
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      await this.db
        .updateTable('delivery_attempts')
        .set({ finished_at: now, outcome: 'unconfirmed', error_kind: 'unknown_outcome' })
        .where('delivery_id', 'in', ids)
        .where('finished_at', 'is', null)
        .execute();
    }
    return ids;
  }

  /** Unconfirmed deliveries not touched for `idleMs`: their settling stalled and is started again. */
  async unsettled(now: Date, idleMs: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .select('id')
      .where('state', '=', 'unconfirmed')
      .where('updated_at', '<', new Date(now.getTime() - idleMs))
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Touches an unconfirmed delivery with what settling found out. */
  async noteUnconfirmed(id: string, reason: string, now: Date): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ state_reason: reason, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'unconfirmed')
      .execute();
  }

  /**
   * Channels to check before their next scheduled delivery: once within the 24 hours before it and again
   * within the 10 minutes before it, so an expired or revoked credential is found (and the workspace told)
   * while there is still time to reconnect.
   */
  async channelsDueForCheck(now: Date, limit: number): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      SELECT c.id FROM channels c
      JOIN (
        SELECT channel_id, min(due_at) AS next_due FROM deliveries WHERE state = 'scheduled' GROUP BY channel_id
      ) n ON n.channel_id = c.id
      WHERE c.status = 'connected'
        AND (
          (n.next_due <= ${new Date(now.getTime() + 24 * 3600_000)}
            AND (c.last_checked_at IS NULL OR c.last_checked_at < n.next_due - interval '24 hours'))
          OR (n.next_due <= ${new Date(now.getTime() + 10 * 60_000)}
            AND (c.last_checked_at IS NULL OR c.last_checked_at < n.next_due - interval '10 minutes'))
        )
      ORDER BY n.next_due
      LIMIT ${limit}`.execute(this.db);
    return rows.rows.map((r) => r.id);
  }

  // --- pauses --------------------------------------------------------------------------------------

  async pause(p: {
    id: string;
    scope: PauseScope;
    scopeId: string | null;
    reason: string | null;
    by: string | null;
  }) {
    await this.db
      .insertInto('publishing_pauses')
      .values({ id: p.id, scope: p.scope, scope_id: p.scopeId, reason: p.reason, paused_by: p.by })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async resume(scope: PauseScope, scopeId: string | null): Promise<boolean> {
    let q = this.db.deleteFrom('publishing_pauses').where('scope', '=', scope);
    q = scopeId === null ? q.where('scope_id', 'is', null) : q.where('scope_id', '=', scopeId);
    const res = await q.executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async pauses(
    workspaceId: string,
  ): Promise<{ scope: PauseScope; scopeId: string | null; reason: string | null; pausedAt: Date }[]> {
    const rows = await this.db
      .selectFrom('publishing_pauses')
      .select(['scope', 'scope_id', 'reason', 'paused_at'])
      .where((w) =>
        w.or([
          w('scope', '=', 'global'),
          w.and([w('scope', '=', 'workspace'), w('scope_id', '=', workspaceId)]),
          w.and([
            w('scope', '=', 'channel'),
            w(
              'scope_id',
              'in',
              w.selectFrom('channels').select('channels.id').where('channels.workspace_id', '=', workspaceId),
            ),
          ]),
        ]),
      )
      .execute();
    return rows.map((r) => ({
      scope: r.scope,
      scopeId: r.scope_id,
      reason: r.reason,
      pausedAt: r.paused_at,
    }));
  }

  /** Held deliveries released by a resume or a reconnect: paused ones of the workspace (or channel). */
  async held(workspaceId: string, channelId: string | null): Promise<Delivery[]> {
    let q = this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('state', '=', 'paused');
    if (channelId) q = q.where('channel_id', '=', channelId);
    const rows = await q.orderBy('due_at').execute();
    return rows.map(toDelivery);
  }

  /** Every paused delivery (after a global resume). */
  async allHeld(): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('state', '=', 'paused')
      .orderBy('due_at')
      .execute();
    return rows.map(toDelivery);
  }
}
