import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Slot } from './slots.js';

export interface Queue {
  channelId: string;
  workspaceId: string;
  timeZone: string;
  paused: boolean;
  slots: (Slot & { id: string })[];
}

/** A delivery whose time came from the queue, with its post's category. */
export interface QueuedDelivery {
  id: string;
  postId: string;
  dueAt: Date;
  state: 'scheduled' | 'paused';
  queueHeld: boolean;
  categoryId: string | null;
}

/** States whose delivery holds its slot. */
const HOLDING = ['scheduled', 'sending', 'published', 'unconfirmed', 'paused'] as const;

/** Queue grids, and the deliveries they place. */
export class QueuesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Serializes queue changes of one channel until the transaction ends (both databases). */
  async lock(channelId: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`queue:${channelId}`}, 0))`.execute(this.db);
  }

  async find(channelId: string): Promise<Queue | undefined> {
    const q = await this.db
      .selectFrom('channel_queues')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    if (!q) return undefined;
    const slots = await this.db
      .selectFrom('queue_slots')
      .select(['id', 'weekday', 'local_time', 'category_id'])
      .where('channel_id', '=', channelId)
      .orderBy('weekday')
      .orderBy('local_time')
      .execute();
    return {
      channelId: q.channel_id,
      workspaceId: q.workspace_id,
      timeZone: q.time_zone,
      paused: q.paused,
      slots: slots.map((s) => ({
        id: s.id,
        weekday: s.weekday,
        time: s.local_time,
        categoryId: s.category_id,
      })),
    };
  }

  async save(
    q: { channelId: string; workspaceId: string; timeZone: string },
    slots: (Slot & { id: string })[],
    now: Date,
  ): Promise<void> {
    await this.db
      .insertInto('channel_queues')
      .values({
        channel_id: q.channelId,
        workspace_id: q.workspaceId,
        time_zone: q.timeZone,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('channel_id').doUpdateSet({ time_zone: q.timeZone, updated_at: now }))
      .execute();
    await this.db.deleteFrom('queue_slots').where('channel_id', '=', q.channelId).execute();
    if (slots.length > 0) {
      await this.db
        .insertInto('queue_slots')
        .values(
          slots.map((s) => ({
            id: s.id,
            channel_id: q.channelId,
            weekday: s.weekday,
            local_time: s.time,
            category_id: s.categoryId,
          })),
        )
        .execute();
    }
  }

  async setPaused(channelId: string, paused: boolean, now: Date): Promise<void> {
    await this.db
      .updateTable('channel_queues')
      .set({ paused, updated_at: now })
      .where('channel_id', '=', channelId)
      .execute();
  }

  /** Due times (ms, ascending) of the channel's deliveries that hold a slot, except `except`. */
  async busyTimes(
    channelId: string,
    from: Date,
    until: Date,
    except: readonly string[] = [],
  ): Promise<number[]> {
    let q = this.db
      .selectFrom('deliveries')
      .select('due_at')
      .where('channel_id', '=', channelId)
      .where('state', 'in', HOLDING)
      .where('due_at', '>=', from)
      .where('due_at', '<=', until);
    if (except.length > 0) q = q.where('id', 'not in', except);
    const rows = await q.orderBy('due_at').execute();
    return rows.map((r) => r.due_at.getTime());
  }

  /** The channel's deliveries placed by the queue that have not gone out yet, in time order. */
  async queuedDeliveries(channelId: string): Promise<QueuedDelivery[]> {
    const rows = await this.db
      .selectFrom('deliveries as d')
      .innerJoin('posts as p', 'p.id', 'd.post_id')
      .select(['d.id', 'd.post_id', 'd.due_at', 'd.state', 'd.queue_held', 'p.category_id'])
      .where('d.channel_id', '=', channelId)
      .where('d.queued', '=', true)
      .where('p.deleted_at', 'is', null)
      .where((w) =>
        w.or([
          w('d.state', '=', 'scheduled'),
          w.and([w('d.state', '=', 'paused'), w('d.queue_held', '=', true)]),
        ]),
      )
      .orderBy('d.due_at')
      .orderBy('d.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      postId: r.post_id,
      dueAt: r.due_at,
      state: r.state as 'scheduled' | 'paused',
      queueHeld: r.queue_held,
      categoryId: r.category_id,
    }));
  }

  /** Moves a queued delivery to a slot; held ones stay held (paused queue). Only if it still waits. */
  async place(id: string, at: Date, held: boolean, reason: string | null, now: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('deliveries')
      .set({
        due_at: at,
        state: held ? 'paused' : 'scheduled',
        state_reason: held ? reason : null,
        queue_held: held,
        next_attempt_at: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('queued', '=', true)
      .where((w) =>
        w.or([w('state', '=', 'scheduled'), w.and([w('state', '=', 'paused'), w('queue_held', '=', true)])]),
      )
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async channelIdsWithQueues(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('channel_queues')
      .select('channel_id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.map((r) => r.channel_id);
  }
}
