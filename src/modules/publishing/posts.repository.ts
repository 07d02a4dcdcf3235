import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import {
  DELIVERY_COLUMNS,
  POST_COLUMNS,
  toDelivery,
  toPost,
  type Attempt,
  type Delivery,
  type DeliveryState,
  type PauseScope,
  type Post,
  type PostApprovalState,
  type PostKind,
  type Variant,
  WAITING_STATES,
} from './publishing.rows.js';

/** Why a delivery of a paused queue waits. */
export const QUEUE_PAUSED_REASON = 'The queue of this channel is paused. Resume the queue to send.';

/** What a post carries for planning, beside its text and time. */
export interface PlanningFields {
  kind?: PostKind;
  title?: string | null;
  notes?: string | null;
  tags?: string[];
  campaign?: string | null;
  categoryId?: string | null;
}

export interface PostListQuery {
  limit: number;
  before?: Date | undefined;
  state?: DeliveryState | undefined;
  kind?: PostKind | undefined;
  /** Posts with no time yet (kind post). */
  drafts?: boolean | undefined;
  tag?: string | undefined;
  categoryId?: string | undefined;
  campaign?: string | undefined;
  authorId?: string | undefined;
}

/** Posts, their variants, their deliveries as people see and change them, and pauses. */
export class PostsRepository {
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
        created_at: p.now,
        updated_at: p.now,
        kind: p.kind,
        title: p.title,
        notes: p.notes,
        tags: JSON.stringify(p.tags),
        campaign: p.campaign,
        category_id: p.categoryId,
        repeats_delivery_id: p.repeatsDeliveryId,
        evergreen_since: p.evergreenSince,
        approval_state: p.approvalState,
        approval_expires_at: p.approvalExpiresAt,
        send_unapproved: p.sendUnapproved,
      })
      .execute();
  }

  /**
   * Sets where the post stands with approvals: `approved` is what the engine's claim reads, with
   * `approvalExpiresAt` (it does not send after that) and `sendUnapproved` (pending under a workflow that
   * publishes anyway).
   */
  async setApproval(
    id: string,
    a: { state: PostApprovalState; approved: boolean; expiresAt?: Date | null; sendUnapproved?: boolean },
  ): Promise<void> {
    await this.db
      .updateTable('posts')
      .set({
        approval_state: a.state,
        approved: a.approved,
        approval_expires_at: a.expiresAt ?? null,
        send_unapproved: a.sendUnapproved ?? false,
      })
      .where('id', '=', id)
      .execute();
  }

  async updatePost(
    id: string,
    changes: {
      body?: string;
      scheduledAt?: Date | null;
      scheduleLocal?: string | null;
      scheduleZone?: string | null;
    } & PlanningFields,
    now: Date,
  ): Promise<void> {
    await this.db
      .updateTable('posts')
      .set({
        ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
        ...(changes.tags !== undefined ? { tags: JSON.stringify(changes.tags) } : {}),
        ...(changes.campaign !== undefined ? { campaign: changes.campaign } : {}),
        ...(changes.categoryId !== undefined ? { category_id: changes.categoryId } : {}),
        ...(changes.body !== undefined ? { body: changes.body } : {}),
        ...(changes.scheduledAt !== undefined ? { scheduled_at: changes.scheduledAt } : {}),
        ...(changes.scheduleLocal !== undefined ? { schedule_local: changes.scheduleLocal } : {}),
        ...(changes.scheduleZone !== undefined ? { schedule_zone: changes.scheduleZone } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The evergreen copy made of a published delivery, if any. */
  async repeatOf(deliveryId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('posts')
      .select('id')
      .where('repeats_delivery_id', '=', deliveryId)
      .executeTakeFirst();
    return row?.id;
  }

  /** Who wrote each of these posts of the workspace (deleted ones included): post id → author id. */
  async authors(workspaceId: string, ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('posts')
      .select(['id', 'created_by'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.created_by]));
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

  async listPosts(workspaceId: string, options: PostListQuery): Promise<Post[]> {
    let q = this.db
      .selectFrom('posts')
      .select(POST_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null);
    if (options.before) q = q.where('created_at', '<', options.before);
    if (options.kind) q = q.where('kind', '=', options.kind);
    if (options.drafts) q = q.where('kind', '=', 'post').where('scheduled_at', 'is', null);
    if (options.tag) q = q.where(sql<boolean>`tags @> ${JSON.stringify([options.tag])}::jsonb`);
    if (options.categoryId) q = q.where('category_id', '=', options.categoryId);
    if (options.campaign) q = q.where('campaign', '=', options.campaign);
    if (options.authorId) q = q.where('created_by', '=', options.authorId);
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
        media: JSON.stringify(v.media),
      })
      .onConflict((oc) =>
        oc.columns(['post_id', 'channel_id']).doUpdateSet({
          body: v.body,
          thread: JSON.stringify(v.thread),
          options: JSON.stringify(v.options),
          media: JSON.stringify(v.media),
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
      media: r.media,
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
    /** The time is a queue slot; `held`: the queue is paused, so the delivery waits as paused. */
    queue?: { held: boolean } | undefined;
  }): Promise<void> {
    await this.db
      .insertInto('deliveries')
      .values({
        id: d.id,
        workspace_id: d.workspaceId,
        post_id: d.postId,
        variant_id: d.variantId,
        channel_id: d.channelId,
        state: d.queue?.held ? 'paused' : 'scheduled',
        state_reason: d.queue?.held ? QUEUE_PAUSED_REASON : null,
        due_at: d.dueAt,
        idempotency_key: d.idempotencyKey,
        updated_at: d.now,
        queued: d.queue !== undefined,
        queue_held: d.queue?.held ?? false,
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
    /** True: the new time is a queue slot; false: a time a person chose (pinned). Unchanged when absent. */
    queued?: boolean,
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
        queue_held: false,
        ...(queued !== undefined ? { queued } : {}),
      })
      .where('id', 'in', ids)
      .where('state', 'in', from)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Holds a waiting delivery because its channel's queue is paused. */
  async holdForQueue(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ state: 'paused', state_reason: QUEUE_PAUSED_REASON, queue_held: true, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .execute();
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
      .where('state', '=', 'paused')
      // Held by a paused queue: resuming the queue releases them, not resuming publishing.
      .where('queue_held', '=', false);
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
      .where('queue_held', '=', false)
      .orderBy('due_at')
      .execute();
    return rows.map(toDelivery);
  }
}
