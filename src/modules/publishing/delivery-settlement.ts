/** Settling deliveries whose outcome is unknown (reconcile), and the sweeper that catches stalled ones. */
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { JobSender } from '../../jobs/queue.js';
import type { NetworkAdapter, PublishResult } from '../../networks/contract.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { DeliveriesRepository } from './deliveries.repository.js';
import {
  emitDeliveryEvent,
  type DeliveryRef,
  type PublishingEvent,
  type PublishingEventData,
  type PublishingEvents,
} from './delivery-events.js';
import type { Delivery } from './publishing.rows.js';

/** A delivery `sending` for longer than this has lost its worker (requests time out after 20 s). */
export const STRANDED_AFTER_MS = 2 * 60_000;
/** Overdue by more than this, a scheduled delivery is picked up by the sweeper. */
export const OVERDUE_GRACE_MS = 60_000;
/** When settling cannot decide, try again this often. */
const SETTLE_RETRY_MS = 60_000;

/**
 * Settles what the delivery engine left `unconfirmed` (a publish whose outcome is unknown), never by
 * retrying blindly, and runs the sweeper that catches overdue, stranded and unsettled deliveries.
 */
export class DeliverySettlement {
  constructor(
    private readonly deps: {
      repo: DeliveriesRepository;
      channels: ChannelsService;
      jobs: JobSender;
      events: PublishingEvents;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  private now(): Date {
    return this.deps.clock.now();
  }

  /** Asks the job engine to publish the delivery (again) at `at`. */
  private enqueue(deliveryId: string, at: Date): Promise<unknown> {
    return this.deps.jobs.send('deliveries.publish.v1', { deliveryId }, { startAfter: at });
  }

  private async adapter(channelId: string): Promise<NetworkAdapter> {
    const channel = await this.deps.channels.byId(channelId);
    if (!channel) throw new AppError('conflict', 'The channel no longer exists.');
    return this.deps.channels.adapterFor(channel);
  }

  private emit<T extends PublishingEvent>(
    delivery: Delivery,
    network: string,
    type: T,
    data: Omit<PublishingEventData[T], keyof DeliveryRef>,
  ) {
    return emitDeliveryEvent(this.deps.events, this.deps.logger, delivery, network, type, data);
  }

  /**
   * Settles an unconfirmed delivery: if the network can look the post up by its key, that decides (found:
   * published; provably absent: sent again); else, while publishing again with the same key cannot
   * duplicate, it is sent again; otherwise a person must check, and the workspace is told.
   */
  async settle(
    deliveryId: string,
  ): Promise<'published' | 'resent' | 'needs_person' | 'later' | 'not_unconfirmed'> {
    const delivery = await this.deps.repo.delivery(deliveryId);
    if (!delivery || delivery.state !== 'unconfirmed') return 'not_unconfirmed';
    const now = this.now();
    let adapter: NetworkAdapter;
    try {
      adapter = await this.adapter(delivery.channelId);
    } catch {
      await this.deps.repo.noteUnconfirmed(
        deliveryId,
        'The channel cannot be used right now, so Chorus cannot check whether the post was published. Reconnect it; Chorus checks again.',
        now,
      );
      return 'later';
    }
    const publisher = adapter.publisher;
    const request = {
      idempotencyKey: delivery.idempotencyKey,
      text: '',
    };
    if (publisher?.find) {
      let found: PublishResult | null;
      try {
        found = await publisher.find(request);
      } catch (error) {
        await this.deps.repo.noteUnconfirmed(
          deliveryId,
          `Checking whether the post was published failed (${(error as Error).message}); Chorus checks again.`,
          now,
        );
        await this.deps.jobs.send(
          'deliveries.reconcile.v1',
          { deliveryId },
          { startAfter: new Date(now.getTime() + SETTLE_RETRY_MS) },
        );
        return 'later';
      }
      if (found) {
        const claimed = {
          deliveryId,
          attemptId: await this.deps.repo.addSettlement(deliveryId, newId(), 'found on the network', now),
        };
        await this.deps.repo.finish(
          claimed,
          {
            state: 'published',
            attemptOutcome: 'reconciled_published',
            remoteId: found.remoteId,
            remoteUrl: found.url,
            publishedAt: now,
            latenessMs: Math.max(0, (delivery.firstSentAt ?? now).getTime() - delivery.dueAt.getTime()),
            now,
          },
          'unconfirmed',
        );
        await this.emit(delivery, adapter.metadata.id, 'delivery.published', {
          remoteId: found.remoteId,
          url: found.url,
          publishedAt: now.toISOString(),
        });
        return 'published';
      }
      return this.resend(
        delivery,
        'not found on the network',
        'reconciled_absent',
        'The network has no post under this delivery’s key: sending it again.',
      );
    }
    const safeFor = publisher?.replaySafeForMs ?? 0;
    if (delivery.firstSentAt && now.getTime() - delivery.firstSentAt.getTime() < safeFor) {
      return this.resend(
        delivery,
        'sent again under the same key',
        'retry',
        'Sending again with the same idempotency key, which the network uses to refuse a second post.',
      );
    }
    const reason = `Chorus cannot tell whether ${adapter.metadata.name} published this post. Check the channel, then mark the delivery as published or send it again.`;
    if (delivery.stateReason !== reason) {
      await this.deps.repo.noteUnconfirmed(deliveryId, reason, now);
      await this.emit(delivery, adapter.metadata.id, 'delivery.unconfirmed', {
        reason,
        sentAt: (delivery.firstSentAt ?? now).toISOString(),
      });
    }
    return 'needs_person';
  }

  private async resend(
    delivery: Delivery,
    how: string,
    outcome: 'reconciled_absent' | 'retry',
    reason: string,
  ): Promise<'resent'> {
    const now = this.now();
    const claimed = {
      deliveryId: delivery.id,
      attemptId: await this.deps.repo.addSettlement(delivery.id, newId(), how, now),
    };
    await this.deps.repo.finish(
      claimed,
      { state: 'scheduled', attemptOutcome: outcome, reason, now, nextAttemptAt: null },
      'unconfirmed',
    );
    await this.enqueue(delivery.id, now);
    return 'resent';
  }

  /**
   * The safety net, every minute: channels are checked 24 h and 10 min before their next scheduled post,
   * overdue deliveries are (re)queued, deliveries whose worker died while sending become unconfirmed and
   * are settled, and stalled settling is restarted.
   */
  async sweep(): Promise<{ overdue: number; stranded: number; unsettled: number; checked: number }> {
    const now = this.now();
    const toCheck = await this.deps.repo.channelsDueForCheck(now, 50);
    for (const id of toCheck) {
      await this.deps.channels
        .checkById(id)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: (error as Error).message, channelId: id }, 'channel check failed'),
        );
    }
    const overdue = await this.deps.repo.overdue(now, OVERDUE_GRACE_MS, 5000);
    for (const id of overdue) await this.deps.jobs.send('deliveries.publish.v1', { deliveryId: id });
    const stranded = await this.deps.repo.strandSending(now, STRANDED_AFTER_MS);
    const unsettled = await this.deps.repo.unsettled(now, 3 * 60_000, 1000);
    for (const id of new Set([...stranded, ...unsettled])) {
      await this.deps.jobs.send('deliveries.reconcile.v1', { deliveryId: id });
    }
    return {
      overdue: overdue.length,
      stranded: stranded.length,
      unsettled: unsettled.length,
      checked: toCheck.length,
    };
  }
}
