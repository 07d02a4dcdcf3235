import { sql, type Kysely } from 'kysely';
import type { AttemptOutcome, DB, PostApprovalState } from '../../db/schema.js';
import {
  DELIVERY_COLUMNS,
  toDelivery,
  type ClaimedDelivery,
  type Delivery,
  type DeliveryRow,
  type DeliveryState,
  type MediaUse,
} from './publishing.rows.js';

/** What a claim reads besides the delivery: the content to send and the attempt it recorded. */
interface ClaimedContent {
  attempt_id: string;
  text: string;
  thread: string[];
  options: Record<string, unknown>;
  media: MediaUse[];
}

/** How every reason for holding a post that is not (or no longer) approved starts. */
export const APPROVAL_HOLD_PREFIX = 'The post is waiting for approval';

/** Why a post that is not (or no longer) approved waits. */
export function approvalHoldReason(state: PostApprovalState, lapsed: boolean): string {
  const base = APPROVAL_HOLD_PREFIX;
  if (lapsed || state === 'expired') return `${base}: its approval expired. Submit it for approval again.`;
  if (state === 'pending') return `${base}: it publishes once its approvers approve it.`;
  if (state === 'rejected') return `${base}: it was rejected. Edit it and submit it again.`;
  if (state === 'changes_requested') return `${base}: changes were requested. Edit it and submit it again.`;
  return `${base}: submit it for approval.`;
}

/** The engine's side of deliveries: the claim into `sending`, every exit from it, settling and the sweeper. */
export class DeliveriesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async delivery(id: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .select(DELIVERY_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDelivery(row);
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

  /**
   * Claims many deliveries (a worker's batch); see `claim`. One statement: the update, the attempts it
   * records and the content to send, so a busy worker holds a connection for one round trip only.
   */
  async claimMany(ids: readonly string[], now: Date, newAttemptId: () => string): Promise<ClaimedDelivery[]> {
    if (ids.length === 0) return [];
    const wanted = sql.join(ids.map((id) => sql`(${id}::uuid, ${newAttemptId()}::uuid)`));
    const columns = sql.join(DELIVERY_COLUMNS.map((c) => sql.ref(`c.${c}`)));
    const { rows } = await sql<DeliveryRow & ClaimedContent>`
      WITH wanted (id, attempt_id) AS (VALUES ${wanted}),
      claimed AS (
        UPDATE deliveries AS d SET
          state = 'sending', state_reason = NULL, sending_since = ${now},
          first_sent_at = COALESCE(d.first_sent_at, ${now}), attempts = d.attempts + 1, updated_at = ${now}
        FROM wanted AS w
        WHERE d.id = w.id AND d.state = 'scheduled' AND d.due_at <= ${now}
          AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ${now})
          AND EXISTS (
            SELECT 1 FROM posts AS p WHERE p.id = d.post_id AND p.deleted_at IS NULL
              AND ((p.approved AND (p.approval_expires_at IS NULL OR p.approval_expires_at > ${now}))
                OR p.send_unapproved))
          AND EXISTS (SELECT 1 FROM channels AS ch WHERE ch.id = d.channel_id AND ch.status = 'connected')
          AND NOT EXISTS (
            SELECT 1 FROM publishing_pauses AS pp
            WHERE pp.scope = 'global'
              OR (pp.scope = 'workspace' AND pp.scope_id = d.workspace_id)
              OR (pp.scope = 'channel' AND pp.scope_id = d.channel_id))
        RETURNING d.*, w.attempt_id
      ),
      -- Each claimed delivery with what to send; read once, so no step joins two row sets again.
      content AS (
        SELECT c.*, COALESCE(v.body, p.body) AS text, v.thread, v.options, v.media
        FROM claimed AS c
        JOIN post_variants AS v ON v.id = c.variant_id
        JOIN posts AS p ON p.id = v.post_id
      ),
      recorded AS (
        INSERT INTO delivery_attempts (id, delivery_id, number, started_at, request)
        SELECT c.attempt_id, c.id,
          (SELECT COALESCE(MAX(a.number), 0) + 1 FROM delivery_attempts AS a WHERE a.delivery_id = c.id),
          ${now},
          jsonb_build_object(
            'text', c.text, 'threadParts', jsonb_array_length(c.thread), 'idempotencyKey', c.idempotency_key)
        FROM content AS c
      )
      SELECT ${columns}, c.attempt_id, c.text, c.thread, c.options, c.media FROM content AS c`.execute(
      this.db,
    );
    return rows.map((row) => ({
      delivery: toDelivery(row),
      text: row.text,
      thread: row.thread,
      options: row.options,
      media: row.media,
      attemptId: row.attempt_id,
    }));
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
        'p.approval_state',
        'p.approval_expires_at',
        'p.send_unapproved',
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
    const lapsed = row.approval_expires_at !== null && row.approval_expires_at <= now;
    if ((!row.approved || lapsed) && !row.send_unapproved)
      return approvalHoldReason(row.approval_state, lapsed);
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
    const values = sql.join(
      items.map(
        (i) =>
          sql`(${i.delivery.id}::uuid, ${i.attemptId}::uuid, ${i.remoteId}::text, ${i.remoteUrl}::text, ${i.publishedAt}::timestamptz, ${i.latenessMs}::bigint)`,
      ),
    );
    // One statement: the deliveries still `sending`, and their attempts.
    const { rows } = await sql<{ id: string }>`
      WITH v (id, attempt_id, remote_id, remote_url, published_at, lateness_ms) AS (VALUES ${values}),
      done AS (
        UPDATE deliveries AS d SET
          state = 'published', state_reason = NULL, updated_at = ${now}, next_attempt_at = NULL,
          error_kind = NULL, error_message = NULL, sending_since = NULL,
          remote_id = v.remote_id, remote_url = v.remote_url, published_at = v.published_at,
          lateness_ms = v.lateness_ms
        FROM v
        WHERE d.id = v.id AND d.state = 'sending'
        RETURNING d.id
      ),
      attempts AS (
        UPDATE delivery_attempts AS a SET
          finished_at = ${now}, outcome = 'published', error_kind = NULL, error_message = NULL,
          remote_id = v.remote_id, remote_url = v.remote_url
        FROM v JOIN done ON done.id = v.id
        WHERE a.id = v.attempt_id
      )
      SELECT id FROM done`.execute(this.db);
    return new Set(rows.map((r) => r.id));
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
}
