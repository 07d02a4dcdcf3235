import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import type { Repositories } from '../../db/repositories.js';
import type { DB } from '../../db/schema.js';
import type { JobSender } from '../../jobs/queue.js';
import type { PublishingEventData, PublishingEvents } from '../publishing/delivery-engine.js';
import { queueSlotTaker } from './queues.service.js';

/**
 * Evergreen categories: when a post of one is published from its channel's queue, a copy of it goes back
 * into that channel's queue (the next free slot of its category), until the first post of the chain is
 * older than the category's `evergreen_days`. Hearing the event only queues a job; the job makes the copy,
 * once per published delivery (a unique key on the copy), so a repeated job or event adds nothing.
 */
export class Evergreen implements PublishingEvents {
  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
      jobs: JobSender;
      clock: Clock;
      logger: Logger;
      enqueue(deliveryId: string, at: Date): Promise<unknown>;
    },
  ) {}

  async emit<T extends keyof PublishingEventData>(
    workspaceId: string,
    type: T,
    data: PublishingEventData[T],
  ) {
    return this.emitMany(workspaceId, type, [data]);
  }

  /** One look-up for a worker's batch: only queued deliveries of evergreen posts become jobs. */
  async emitMany<T extends keyof PublishingEventData>(
    _workspaceId: string,
    type: T,
    list: PublishingEventData[T][],
  ): Promise<number> {
    if (type !== 'delivery.published' || list.length === 0) return 0;
    const ids = list.map((d) => d.deliveryId);
    const { rows } = await sql<{ id: string }>`
      SELECT d.id FROM deliveries AS d
      JOIN posts AS p ON p.id = d.post_id
      JOIN categories AS c ON c.id = p.category_id
      WHERE d.id = ANY(${`{${ids.join(',')}}`}::uuid[]) AND d.queued AND c.evergreen`.execute(this.deps.db);
    for (const r of rows) await this.deps.jobs.send('queues.evergreen.v1', { deliveryId: r.id });
    return rows.length;
  }

  /** Puts a copy of the published delivery's post back into its channel's queue. */
  async repeat(deliveryId: string): Promise<'queued' | 'expired' | 'skipped'> {
    const now = this.deps.clock.now();
    const result = await this.deps.transaction(async (repos) => {
      const delivery = await repos.deliveries.delivery(deliveryId);
      if (!delivery || delivery.state !== 'published') return { outcome: 'skipped' as const };
      const post = await repos.posts.findPost(delivery.workspaceId, delivery.postId);
      if (!post || !post.categoryId) return { outcome: 'skipped' as const };
      const category = await repos.planner.find(delivery.workspaceId, post.categoryId);
      if (!category?.evergreen) return { outcome: 'skipped' as const };
      const since = post.evergreenSince ?? post.createdAt;
      if (
        category.evergreenDays !== null &&
        now.getTime() - since.getTime() > category.evergreenDays * 86_400_000
      ) {
        return { outcome: 'expired' as const };
      }
      if (await repos.posts.repeatOf(deliveryId)) return { outcome: 'skipped' as const };
      const channel = await repos.channels.byId(delivery.channelId);
      const variant = (await repos.posts.variants([post.id])).find((v) => v.channelId === delivery.channelId);
      if (!channel || !variant || channel.status === 'disconnected') return { outcome: 'skipped' as const };
      const { at, held } = await queueSlotTaker(repos.queues).take(channel, post.categoryId, now);
      const postId = newId();
      await repos.posts.insertPost({
        ...post,
        id: postId,
        scheduledAt: at,
        scheduleLocal: null,
        scheduleZone: null,
        repeatsDeliveryId: deliveryId,
        evergreenSince: since,
        // The copy repeats content already approved; an approval's lapse belongs to the original.
        approvalExpiresAt: null,
        now,
      });
      const variantId = await repos.posts.upsertVariant({ ...variant, id: newId(), postId });
      const id = newId();
      await repos.posts.insertDelivery({
        id,
        workspaceId: delivery.workspaceId,
        postId,
        variantId,
        channelId: channel.id,
        dueAt: at,
        idempotencyKey: `chorus-${id}`,
        now,
        queue: { held },
      });
      return { outcome: 'queued' as const, id, at, held };
    });
    if (result.outcome === 'queued' && !result.held) await this.deps.enqueue(result.id, result.at);
    return result.outcome;
  }
}
