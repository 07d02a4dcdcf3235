import type { Clock } from '../../core/clock.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import { recordPublishing } from './audit.js';
import type { DeliveriesRepository } from './deliveries.repository.js';
import type { DeliveryEngine } from './delivery-engine.js';
import type { PostsRepository } from './posts.repository.js';
import { REVIVABLE, type PostsService } from './posts.service.js';
import type { PostView, ScheduleInput } from './posts.types.js';
import type { Delivery, Post } from './publishing.rows.js';

/**
 * What people do to one delivery, or to a post's failed ones: move it (the calendar), send failed ones again,
 * settle an unconfirmed one after checking the channel, and list what needs a person.
 */
export class DeliveryActions {
  constructor(
    private readonly deps: {
      posts: PostsService;
      repo: PostsRepository;
      deliveries: DeliveriesRepository;
      engine: DeliveryEngine;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  /**
   * Moves one delivery to a new time a person chose (the calendar's drag and drop): only while it waits,
   * never once it is sending or sent. The time is pinned: recalculating the queue leaves it.
   */
  async rescheduleDelivery(
    access: WorkspaceAccess,
    actor: Actor,
    deliveryId: string,
    schedule: Exclude<ScheduleInput, { queue: true }>,
  ): Promise<Delivery> {
    const delivery = await this.deps.repo.workspaceDelivery(access.workspace.id, deliveryId);
    if (!delivery) throw notFound('Delivery');
    if (!REVIVABLE.has(delivery.state) || delivery.state === 'cancelled') {
      throw conflict(
        `This delivery is ${delivery.state}: only scheduled or paused deliveries can move. ${
          delivery.state === 'failed' ? 'Use "retry" to send a failed one again.' : ''
        }`.trim(),
      );
    }
    const { timing } = this.deps.posts.checks.resolveSchedule(access, schedule);
    if (timing.kind !== 'fixed') throw invalid('Choose a time to move the delivery to.');
    const now = this.deps.clock.now();
    if (timing.at.getTime() < now.getTime() - 60_000) {
      throw invalid(`${timing.at.toISOString()} is in the past: choose a later time, or "now".`);
    }
    const moved = await this.deps.repo.reschedule(
      [delivery.id],
      timing.at,
      now,
      ['scheduled', 'paused'],
      false,
    );
    if (moved.length === 0)
      throw conflict('The delivery changed meanwhile (it may be sending); reload and try again.');
    await this.deps.engine.enqueue(delivery.id, timing.at);
    await recordPublishing(this.deps.audit, actor, access, 'delivery.rescheduled', delivery.postId, {
      deliveryId,
      from: delivery.dueAt.toISOString(),
      to: timing.at.toISOString(),
    });
    return (await this.deps.deliveries.delivery(delivery.id))!;
  }

  /** Re-sends only what did not publish: failed deliveries go out again now. */
  async retry(access: WorkspaceAccess, actor: Actor, postId: string): Promise<PostView> {
    const view = await this.deps.posts.get(access, postId);
    const failed = view.deliveries.filter((d) => d.state === 'failed').map((d) => d.id);
    if (failed.length === 0) {
      throw conflict('Nothing to retry: no delivery of this post failed.');
    }
    const now = this.deps.clock.now();
    const moved = await this.deps.repo.reschedule(failed, now, now, ['failed']);
    for (const id of moved) await this.deps.engine.enqueue(id, now);
    await recordPublishing(this.deps.audit, actor, access, 'post.retried', postId, {
      deliveries: moved.length,
    });
    return this.deps.posts.get(access, postId);
  }

  /**
   * A person settles an unconfirmed delivery after checking the channel: it was published (optionally
   * with its address), or it was not and should be sent again.
   */
  async resolve(
    access: WorkspaceAccess,
    actor: Actor,
    deliveryId: string,
    decision: { as: 'published'; url?: string | undefined } | { as: 'send_again' },
  ): Promise<Delivery> {
    const delivery = await this.deps.repo.workspaceDelivery(access.workspace.id, deliveryId);
    if (!delivery) throw notFound('Delivery');
    if (delivery.state !== 'unconfirmed') {
      throw conflict(`This delivery is ${delivery.state}, not unconfirmed: there is nothing to settle.`);
    }
    const now = this.deps.clock.now();
    const attemptId = await this.deps.deliveries.addSettlement(
      deliveryId,
      newId(),
      decision.as === 'published' ? 'a person confirmed it was published' : 'a person asked to send it again',
      now,
    );
    const done =
      decision.as === 'published'
        ? await this.deps.deliveries.finish(
            { deliveryId, attemptId },
            {
              state: 'published',
              attemptOutcome: 'reconciled_published',
              now,
              reason: 'Marked as published by a person who checked the channel.',
              remoteUrl: decision.url ?? null,
              publishedAt: delivery.firstSentAt ?? now,
            },
            'unconfirmed',
          )
        : await this.deps.deliveries.finish(
            { deliveryId, attemptId },
            {
              state: 'scheduled',
              attemptOutcome: 'reconciled_absent',
              now,
              reason: 'Sent again by a person who checked the channel.',
            },
            'unconfirmed',
          );
    if (!done) throw conflict('The delivery changed meanwhile; reload and try again.');
    if (decision.as === 'send_again') await this.deps.engine.enqueue(deliveryId, now);
    await recordPublishing(this.deps.audit, actor, access, 'delivery.resolved', delivery.postId, {
      deliveryId,
      as: decision.as,
    });
    return (await this.deps.deliveries.delivery(deliveryId))!;
  }

  /** Deliveries that need a person: failed, unconfirmed and paused ones, with their posts. */
  async attention(access: WorkspaceAccess): Promise<{ deliveries: Delivery[]; posts: Post[] }> {
    const deliveries = await this.deps.repo.attention(
      access.workspace.id,
      ['failed', 'unconfirmed', 'paused'],
      500,
    );
    const posts: Post[] = [];
    for (const id of new Set(deliveries.map((d) => d.postId))) {
      const post = await this.deps.repo.findPost(access.workspace.id, id);
      if (post) posts.push(post);
    }
    return { deliveries: deliveries.filter((d) => posts.some((p) => p.id === d.postId)), posts };
  }
}
